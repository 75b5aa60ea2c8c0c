/** The compression engine on a tfjs model, as the engine tests use it: compressed models come back as tfjs models. */
import { ModelCompressor } from '../../src/app/modelCompressor';
import type { BuiltModel } from '../../src/core/compress/compressor';
import type { ModelArtifacts } from '../../src/core/layers/artifacts';
import { TfjsModel } from '../../src/tf/runnable';
import type { LayersModel } from '../../src/tf/tfjs';

export type { LayerChoice } from '../../src/core/compress/plan';

export class TfCompressor extends ModelCompressor<ModelArtifacts, TfjsModel> {
  /** The original tfjs model. */
  get net(): LayersModel {
    return this.model.net;
  }

  get artifacts(): ModelArtifacts {
    return this.model.target.artifacts;
  }

  get shapes() {
    return this.model.target.shapes;
  }

  /** Loads a built model as a plain tfjs model (dispose it when done). */
  async loadNet(built: BuiltModel<ModelArtifacts>): Promise<LayersModel> {
    return (await this.load(built)).net;
  }
}

/** A compressor for a loaded tfjs model (its artifacts are captured once, in memory). */
export async function compressorOf(model: LayersModel): Promise<TfCompressor> {
  return new TfCompressor(await TfjsModel.wrap(model));
}
