// dependency-cruiser's configuration: the layer rules live in scripts/layer-rules.ts (docs/architecture.md).
export { layerRules as default } from './scripts/layer-rules.ts';
