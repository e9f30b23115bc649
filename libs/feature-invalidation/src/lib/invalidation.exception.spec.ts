import { MessageErrorCode } from '@deja/data-access-kafka';
import {
  httpStatusOf,
  InvalidationErrorCode,
  InvalidationException,
  isTransientDatabaseError,
  toMessageError,
} from './invalidation.exception';

describe('invalidation errors', () => {
  it('maps each code to an HTTP status', () => {
    expect(httpStatusOf(InvalidationErrorCode.InvalidRequest)).toBe(400);
    expect(httpStatusOf(InvalidationErrorCode.UnknownEvent)).toBe(404);
    expect(httpStatusOf(InvalidationErrorCode.PublishFailed)).toBe(503);
  });

  it('retries a failed publish and dead-letters an invalid request', () => {
    expect(toMessageError(new InvalidationException(InvalidationErrorCode.PublishFailed, 'x'))).toMatchObject({
      code: MessageErrorCode.Transient,
      retriable: true,
    });
    expect(toMessageError(new InvalidationException(InvalidationErrorCode.InvalidRequest, 'x'))).toMatchObject({
      code: MessageErrorCode.Rejected,
      retriable: false,
    });
  });

  it('treats deadlocks, serialisation failures and lock timeouts as transient, and nothing else', () => {
    for (const code of ['40P01', '40001', '55P03'])
      expect(isTransientDatabaseError(Object.assign(new Error('e'), { code }))).toBe(true);
    for (const e of [new Error('e'), Object.assign(new Error('e'), { code: '23505' }), null, 'x'])
      expect(isTransientDatabaseError(e)).toBe(false);
  });

  it('serialises with its code and issues', () => {
    const e = new InvalidationException(InvalidationErrorCode.InvalidRequest, 'bad', [
      { path: 'action', message: 'unknown' },
    ]);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'InvalidationException',
      code: 'invalid_request',
      message: 'bad',
      retriable: false,
      issues: [{ path: 'action', message: 'unknown' }],
    });
  });
});
