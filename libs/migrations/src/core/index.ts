/** Public surface of the pure core: graph, target resolution, planning, errors and revision types. */
export * from './errors';
export * from './planner';
export * from './resolve-revision';
export * from './revision';
export * from './revision-graph';
export * from './target';
