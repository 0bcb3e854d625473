/** An answer the sandbox gives as `{code, message, request_id}` with an HTTP status (kling-api §5, §6). */
export interface ApiError {
  httpStatus: number;
  code: number;
  message: string;
  headers?: Record<string, string>;
}
