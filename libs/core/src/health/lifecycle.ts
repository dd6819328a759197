/**
 * Process-wide lifecycle state shared by the shutdown sequence (create-http-app) and readiness:
 * once a SIGTERM arrives, readiness answers 503 while requests are still served for the drain
 * window, so load balancers stop sending before the listener closes.
 */
export const lifecycle = { draining: false };
