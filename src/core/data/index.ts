/** The data pipeline's public API: lines → fields → schema → raw batches → encoded batches. Pure modules. */
export * from './lines';
export * from './delimited';
export * from './values';
export * from './schema';
export * from './reader';
export * from './rawBatch';
export * from './dataset';
export * from './encoding';
export * from './encode';
export * from './binding';
export * from './rows';
export * from './schemaFile';
export * from './timestamps';
export { classifyColumn, kindFromName, type ColumnVerdict } from './columnKinds';
export * from './sparse';
export * from './sources';
