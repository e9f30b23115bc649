import { ALL_TOPICS, TOPICS, TopicNames, topicPrefixProblem } from './index';

describe('TopicNames', () => {
  it('keeps the contracts’ names when there is no prefix', () => {
    expect(TopicNames.unprefixed.topic(TOPICS.results)).toBe('deja.results.v1');
    expect(TopicNames.unprefixed.group('deja.gateway')).toBe('deja.gateway');
  });

  it('puts the prefix before every topic and group name', () => {
    const names = new TopicNames('acme-prod.');
    expect(names.topic(TOPICS.requests)).toBe('acme-prod.deja.requests.v1');
    expect(names.topic('deja.dead-letter.v1')).toBe('acme-prod.deja.dead-letter.v1');
    expect(names.group('deja.gateway')).toBe('acme-prod.deja.gateway');
  });

  it('refuses a prefix Kafka would refuse in a topic name', () => {
    expect(() => new TopicNames('acme prod')).toThrow(/only letters, digits/);
    expect(() => new TopicNames('acme/prod')).toThrow(/only letters, digits/);
  });
});

describe('topicPrefixProblem', () => {
  const longest = Math.max(...ALL_TOPICS.map((t) => t.name.length));

  it('accepts the empty prefix and the characters Kafka allows', () => {
    expect(topicPrefixProblem('')).toBeUndefined();
    expect(topicPrefixProblem('Team_A-1.')).toBeUndefined();
  });

  it('refuses a prefix that makes the longest topic name exceed 249 characters', () => {
    expect(topicPrefixProblem('x'.repeat(249 - longest))).toBeUndefined();
    expect(topicPrefixProblem('x'.repeat(250 - longest))).toMatch(/at most \d+ characters/);
  });
});
