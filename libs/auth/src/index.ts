export * from './principal.js';
export * from './key-resolver.js';
export * from './decorators.js';
export * from './access-token.strategy.js';
export * from './access-token.guard.js';
export * from './auth.module.js';
export * from './verified-tokens.js';
export * from './bearer.js';
