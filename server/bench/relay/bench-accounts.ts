/** The accounts the product server creates for the bench and the bench logs in with. */
export const BENCH_PASSWORD = 'bench-password-1';
export const BENCH_ADMIN_EMAIL = 'admin@bench.example.com';
export const benchAgentEmail = (index: number) => `agent-${index}@bench.example.com`;
