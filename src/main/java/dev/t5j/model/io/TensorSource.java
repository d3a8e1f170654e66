package dev.t5j.model.io;

import java.util.Arrays;
import dev.t5j.common.UserError;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's tensors by name, whatever the files behind it (one safetensors file, shards with an index, or a
 * PyTorch {@code pytorch_model.bin}). Obtain one with {@link CheckpointFiles#open(Path)}.
 *
 * <p>Headers are read and validated when the source is opened; tensor bytes are read (or mapped) on {@link #get}.
 * Safe for concurrent {@code get} calls. Tensors handed out by a memory-mapping source stay valid after
 * {@link #close()} (the mapping lives until the buffers are garbage-collected).
 */
public interface TensorSource extends AutoCloseable {
    /** The file this source was opened from (a tensor file or an index), for messages. */
    Path path();

    /** Tensor names in file order (for sharded checkpoints: shard by shard). */
    List<String> names();

    default boolean contains(String name) {
        return info(name) != null;
    }

    /** Dtype and shape of a tensor without reading its data; null if absent. */
    TensorInfo info(String name);

    /** The tensor; a {@link UserError} naming the tensor and the file if it is absent. */
    RawTensor get(String name);

    /**
     * The tensor, after checking its shape against what the model expects: a {@link UserError} naming the tensor,
     * the file that holds it and both shapes otherwise (or if the tensor is absent).
     */
    default RawTensor getChecked(String name, long... expectedShape) {
        TensorInfo i = info(name);
        if (i == null) throw missing(path(), name);
        if (!Arrays.equals(i.shape(), expectedShape)) {
            throw new UserError(i.file() + ": tensor '" + name + "' has shape " + Arrays.toString(i.shape())
                    + " but the model expects " + Arrays.toString(expectedShape));
        }
        return get(name);
    }

    /** Free-form string metadata (safetensors {@code __metadata__}); empty when the format has none. */
    Map<String, String> metadata();

    /** Total bytes of all tensors (as stored). */
    default long totalBytes() {
        long n = 0;
        for (String s : names()) n += info(s).byteSize();
        return n;
    }

    @Override
    void close();

    /** What a tensor is, without its bytes, and the file that holds it. */
    record TensorInfo(String name, DType dtype, long[] shape, Path file) {
        public TensorInfo {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long numel() {
            return RawTensor.numel(shape);
        }

        public long byteSize() {
            return numel() * dtype.size();
        }
    }

    /** The error for a name the checkpoint lacks. */
    static UserError missing(Path file, String name) {
        return new UserError(file + ": tensor '" + name + "' not found in checkpoint");
    }
}
