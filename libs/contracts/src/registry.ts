import { z } from 'zod';
import { CHUNKS_V1, ChunkKeyV1, ChunkV1 } from './topics/chunks';
import { COMPLETIONS_V1, CompletionKeyV1, CompletionV1 } from './topics/completions';
import { DEAD_LETTER_V1, DeadLetterV1 } from './topics/dead-letter';
import { DOC_CHANGES_V1, DocChangeKeyV1, DocChangeV1 } from './topics/doc-changes';
import { INVALIDATED_V1, InvalidatedKeyV1, InvalidatedV1 } from './topics/invalidated';
import { INVALIDATIONS_V1, InvalidationKeyV1, InvalidationV1 } from './topics/invalidations';
import { MISSES_V1, MissKeyV1, MissV1 } from './topics/misses';
import { REQUESTS_V1, RequestKeyV1, RequestV1 } from './topics/requests';
import { RESULTS_V1, ResultKeyV1, ResultV1 } from './topics/results';

/** A topic's name, key schema, value schema and the partition count Deja creates it with. */
export interface TopicContract<V extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly key: z.ZodType<string>;
  readonly value: V;
  readonly partitions: number;
  readonly description: string;
}

const anyKey = z.string().max(1000);

/** Every topic Deja produces or consumes. Admin code creates exactly these. */
export const TOPICS = {
  requests: {
    name: REQUESTS_V1,
    key: RequestKeyV1,
    value: RequestV1,
    partitions: 6,
    description: 'Requests to answer (gateway and batch producers)',
  },
  results: {
    name: RESULTS_V1,
    key: ResultKeyV1,
    value: ResultV1,
    partitions: 6,
    description: 'Answers with cache decision, usage and cost',
  },
  misses: {
    name: MISSES_V1,
    key: MissKeyV1,
    value: MissV1,
    partitions: 6,
    description: 'Lookups that missed, for the llm-worker',
  },
  completions: {
    name: COMPLETIONS_V1,
    key: CompletionKeyV1,
    value: CompletionV1,
    partitions: 6,
    description: 'Provider answers to store and return',
  },
  chunks: {
    name: CHUNKS_V1,
    key: ChunkKeyV1,
    value: ChunkV1,
    partitions: 6,
    description: 'Pieces of a streamed miss, live from the provider, for the gateway holding the stream',
  },
  docChanges: {
    name: DOC_CHANGES_V1,
    key: DocChangeKeyV1,
    value: DocChangeV1,
    partitions: 3,
    description: 'Document-change events',
  },
  invalidations: {
    name: INVALIDATIONS_V1,
    key: InvalidationKeyV1,
    value: InvalidationV1,
    partitions: 3,
    description: 'Operator purge and version-bump commands',
  },
  invalidated: {
    name: INVALIDATED_V1,
    key: InvalidatedKeyV1,
    value: InvalidatedV1,
    partitions: 3,
    description: 'Audit records of what was retired',
  },
  deadLetter: {
    name: DEAD_LETTER_V1,
    key: anyKey,
    value: DeadLetterV1,
    partitions: 1,
    description: 'Messages that failed validation or processing, with the reason',
  },
} as const satisfies Record<string, TopicContract>;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS]['name'];
export const ALL_TOPICS: readonly TopicContract[] = Object.values(TOPICS);

/** Looks a contract up by topic name; undefined for topics that are not Deja's. */
export function contractFor(topic: string): TopicContract | undefined {
  return ALL_TOPICS.find((t) => t.name === topic);
}
