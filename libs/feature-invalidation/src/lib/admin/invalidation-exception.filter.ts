import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { errorTypeOf, httpStatusOf, InvalidationException } from '../invalidation.exception';

/**
 * Writes an {@link InvalidationException} in the gateway's envelope, `{error: {type, code,
 * message, retriable, issues}}`, with its status. Put on each route (method level), it is consulted before any filter the mounting
 * app puts on the class (the gateway's catch-all), which still handles everything else — the
 * guard's 401/403 included.
 */
@Catch(InvalidationException)
export class InvalidationExceptionFilter implements ExceptionFilter<InvalidationException> {
  catch(error: InvalidationException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error.retriable) res.setHeader('retry-after', '1');
    res.status(httpStatusOf(error.code)).json({
      error: {
        type: errorTypeOf(error.code),
        code: error.code,
        message: error.message,
        retriable: error.retriable,
        issues: error.issues,
      },
    });
  }
}
