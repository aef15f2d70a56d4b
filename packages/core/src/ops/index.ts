export * from './fused.js';
export * from './attention.js';
export * from './layer-norm.js';
export * from './gelu.js';
export * from './gather-rows.js';
export * from './dense.js';
export * from './causal-attention.js';
export * from './heads.js';
