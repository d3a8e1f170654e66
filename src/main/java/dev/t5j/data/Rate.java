package dev.t5j.data;

import dev.t5j.common.UserError;

/** A mixing rate: a fixed weight, or seqio's {@code mixing_rate_num_examples} (examples-proportional). */
public sealed interface Rate {
    double compute(DatasetProvider p, ReadOptions options);

    static Rate fixed(double r) {
        return new Fixed(r);
    }

    /** seqio rate_num_examples: {@code n·scale}, capped at {@code maximum} (0: none), then {@code ^(1/temperature)}. */
    static Rate numExamples(double scale, double maximum, double temperature) {
        return new NumExamples(scale, maximum, temperature);
    }

    record Fixed(double rate) implements Rate {
        public Fixed {
            if (!(rate >= 0) || Double.isInfinite(rate))
                throw new UserError("mixing rate must be a finite number >= 0, got " + rate);
        }

        @Override
        public double compute(DatasetProvider p, ReadOptions o) {
            return rate;
        }
    }

    record NumExamples(double scale, double maximum, double temperature) implements Rate {
        public NumExamples {
            if (!(temperature > 0)) throw new UserError("mixing temperature must be > 0, got " + temperature);
            if (maximum < 0) throw new UserError("mixing maximum must be >= 0, got " + maximum);
        }

        @Override
        public double compute(DatasetProvider p, ReadOptions o) {
            return apply(p.numTrainExamples(o));
        }

        /** The seqio formula on an example count. */
        public double apply(double n) {
            double rate = n * scale;
            if (maximum > 0) rate = Math.min(rate, maximum);
            if (temperature != 1.0) rate = Math.pow(rate, 1.0 / temperature);
            return rate;
        }
    }
}
