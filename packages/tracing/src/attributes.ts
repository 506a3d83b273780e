/** Attribute and event names TraceLab writes itself; instrumentations' names come from semantic conventions. */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const EVENT_EXCEPTION = 'exception';
/** Event added in place of ERROR status when a client gets a 4xx answer or a handler throws a 4xx. */
export const EVENT_CLIENT_ERROR = 'http.client_error';
export const NEST_INSTRUMENTATION_SCOPE = '@opentelemetry/instrumentation-nestjs-core';
export const UNDICI_INSTRUMENTATION_SCOPE = '@opentelemetry/instrumentation-undici';
