import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC exception handler turns every error into `{status: 'error', message:
 * 'Internal server error'}`, losing whether it can be retried. This filter hands the original
 * error back to the consumer runner, which retries or dead-letters it with its real reason.
 */
@Catch()
export class RpcPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
