import * as tf from '@tensorflow/tfjs';

/** A tensor with its variable name, as tfjs optimizers exchange them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/**
 * Base of the facade's optimizers: a `tf.Optimizer` whose update rules are
 * Keras 3's (`keras/src/optimizers/*.py`), not tfjs's. Slot variables
 * (moments, velocities) are created on first use, one per model variable
 * and keyed by its name, as Keras's `add_optimizer_variables` does.
 */
export abstract class KerasOptimizer extends tf.Optimizer {
  /**
   * tfjs's `Optimizer` answers `instanceof` by duck typing (any object
   * with `minimize`); facade classes use the prototype chain instead.
   */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return instance != null &&
      Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  /** Python class name: `Adam`, `SGD`, `RMSprop`. */
  abstract readonly kerasName: string;
  /** `learning_rate`. */
  abstract readonly learningRate: number;

  private readonly slots = new Map<string, tf.Variable[]>();

  /** Slot names in creation order, e.g. `['momentum', 'velocity']`. */
  protected abstract slotNames(): string[];

  /** Updates one variable; runs inside a `tf.tidy`. */
  protected abstract updateStep(
    variable: tf.Variable,
    gradient: tf.Tensor,
    slots: tf.Variable[],
    step: number,
  ): void;

  /** The Keras config in Python spelling, for saved metadata. */
  abstract pythonConfig(): Record<string, unknown>;

  override applyGradients(
    variableGradients: tf.NamedTensorMap | NamedTensor[],
  ): void {
    const pairs = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    // Keras counts `iterations` from 0 and uses local_step = iterations + 1.
    const step = this.iterations + 1;
    tf.tidy(() => {
      for (const [name, gradient] of pairs) {
        if (gradient == null) {
          continue;
        }
        const variable = tf.engine().registeredVariables[name]!;
        this.updateStep(variable, gradient, this.slotsFor(variable), step);
      }
    });
    this.incrementIterations();
  }

  /**
   * Number of optimizer values Keras's `summary()` counts once the
   * optimizer is built: every slot, plus `iterations` and `learning_rate`.
   */
  variableCount(): { count: number; bytes: number } {
    let count = 0;
    for (const slots of this.slots.values()) {
      for (const slot of slots) {
        count += slot.size;
      }
    }
    if (this.slots.size === 0) {
      return { count: 0, bytes: 0 };
    }
    // iterations is int64 (8 bytes), learning_rate float32 (4 bytes).
    return { count: count + 2, bytes: count * 4 + 12 };
  }

  /** True once the first update created the slot variables. */
  get built(): boolean {
    return this.slots.size > 0;
  }

  override dispose(): void {
    for (const slots of this.slots.values()) {
      tf.dispose(slots);
    }
    this.slots.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    const names = this.slotNames();
    for (const [variable, slots] of this.slots) {
      slots.forEach((slot, i) => {
        out.push({ name: `${variable}/${names[i]}`, tensor: slot });
      });
    }
    return out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return this.pythonConfig() as tf.serialization.ConfigDict;
  }

  private slotsFor(variable: tf.Variable): tf.Variable[] {
    let slots = this.slots.get(variable.name);
    if (slots === undefined) {
      slots = this.slotNames().map(() =>
        tf.keep(tf.zerosLike(variable).variable(false)),
      );
      this.slots.set(variable.name, slots);
    }
    return slots;
  }
}
