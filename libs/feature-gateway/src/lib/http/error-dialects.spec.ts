import { ContractsTesting, type ProviderFault } from '@deja/contracts';
import { pipelineFailure } from '../compat/pipeline-failure';
import { GatewayErrorCode, GatewayException, statusOf } from '../gateway.exception';
import { unsupported } from '../translate/common';
import { anthropicType, dialectFor, errorBody } from './error-dialects';

const notFound = ContractsTesting.MODEL_NOT_FOUND;

describe('error dialects', () => {
  it('picks the dialect from the route (models: by the anthropic-version header), Deja elsewhere', () => {
    expect(dialectFor('/v1/messages')).toBe('anthropic');
    expect(dialectFor('/v1/messages/count_tokens')).toBe('anthropic');
    expect(dialectFor('/v1/chat/completions')).toBe('openai');
    expect(dialectFor('/v1/models/gpt-4o')).toBe('openai');
    expect(dialectFor('/v1/models/claude-x', '2023-06-01')).toBe('anthropic');
    expect(dialectFor('/v1/jobs')).toBe('deja');
    expect(dialectFor('/v1/admin/stats')).toBe('deja');
  });

  it("Deja's dialect reports unsupported features as invalid_request with the precise code and the field", () => {
    const e = unsupported('n', 'only n=1 is supported');
    expect(errorBody(e)).toEqual({
      error: {
        type: 'invalid_request',
        code: 'unsupported',
        message: 'n: only n=1 is supported',
        retriable: false,
        issues: [{ path: 'n', message: 'only n=1 is supported' }],
      },
    });
  });

  it("OpenAI's dialect gives Deja's own 400 OpenAI's fields: type invalid_request_error, the field as param, Deja's code", () => {
    expect(errorBody(unsupported('n', 'only n=1 is supported'), 'openai')).toEqual({
      error: {
        message: 'n: only n=1 is supported',
        type: 'invalid_request_error',
        param: 'n',
        code: 'unsupported',
        deja_code: 'unsupported',
        retriable: false,
        issues: [{ path: 'n', message: 'only n=1 is supported' }],
      },
    });
  });

  it("Anthropic's dialect wraps Deja's own errors in {type: 'error', error: {type, message}} with Anthropic's types", () => {
    const e = new GatewayException(GatewayErrorCode.Unauthenticated, 'unknown API key');
    expect(errorBody(e, 'anthropic')).toEqual({
      type: 'error',
      error: {
        type: 'authentication_error',
        message: 'unknown API key',
        deja_code: 'unauthenticated',
        retriable: false,
      },
    });
    expect(anthropicType(429)).toBe('rate_limit_error');
    expect(anthropicType(529)).toBe('overloaded_error');
    expect(anthropicType(500)).toBe('api_error');
    expect(anthropicType(403)).toBe('permission_error');
  });
});

describe('pipeline failures on the compatible endpoints', () => {
  it("answer a provider's 404 with its status and OpenAI fields unchanged, Deja's code beside them", () => {
    const e = pipelineFailure(
      { code: 'model_not_found', message: 'openai 404: …', retriable: false, provider_error: notFound },
      'job-1',
    );
    expect(statusOf(e)).toBe(404);
    expect(e.retriable).toBe(false);
    expect(errorBody(e, 'openai')).toEqual({
      error: {
        message: notFound.message,
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
        deja_code: 'model_not_found',
        retriable: false,
        job_id: 'job-1',
      },
    });
  });

  it("answer an Anthropic provider's 529 with 529 overloaded_error, retriable", () => {
    const fault: ProviderFault = {
      status: 529,
      type: 'overloaded_error',
      code: null,
      param: null,
      message: 'Overloaded',
      retry_after_ms: null,
    };
    const e = pipelineFailure(
      { code: 'provider_overloaded', message: 'x', retriable: true, provider_error: fault },
      'job-2',
    );
    expect(statusOf(e)).toBe(529);
    expect(errorBody(e, 'anthropic')).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded', deja_code: 'provider_overloaded', retriable: true },
    });
  });

  it("turn a provider's retry-after into whole seconds (at least one)", () => {
    const fault: ProviderFault = { ...notFound, status: 429, type: 'requests', retry_after_ms: 1500 };
    const e = pipelineFailure({ code: 'rate_limited', message: 'x', retriable: true, provider_error: fault }, 'j');
    expect([statusOf(e), e.details.retryAfterSeconds]).toEqual([429, 2]);
  });

  it('answer a request the worker could not send as a 400, and other failures as a 502 that says if a retry helps', () => {
    const invalid = pipelineFailure({ code: 'invalid_request', message: 'unknown model "x"', retriable: false }, 'j');
    expect([statusOf(invalid), invalid.code]).toEqual([400, GatewayErrorCode.InvalidRequest]);
    const timeout = pipelineFailure({ code: 'provider_timeout', message: 'slow', retriable: true }, 'j');
    expect([statusOf(timeout), timeout.retriable]).toEqual([502, true]);
    const expired = pipelineFailure({ code: 'miss_expired', message: 'old', retriable: false }, 'j');
    expect([statusOf(expired), expired.retriable]).toEqual([502, false]);
    expect(errorBody(expired, 'openai')).toMatchObject({ error: { type: 'server_error', deja_code: 'miss_expired' } });
  });
});
