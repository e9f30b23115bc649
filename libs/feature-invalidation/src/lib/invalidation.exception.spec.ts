import { MessageErrorCode } from '@deja/data-access-kafka';
import { httpStatusOf, InvalidationErrorCode, InvalidationException, toMessageError } from './invalidation.exception';

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
