/** An error as it crosses from a store thread to the main thread: ChatError and SqliteError keep their code. */
export interface ThreadFailure {
  name: string;
  message: string;
  code?: string;
}

export function toThreadFailure(error: unknown): ThreadFailure {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}
