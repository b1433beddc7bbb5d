package dev.javelin.ir.type;

/** The type of a tensor value: element type and shape. Prints as {@code f32[batch,784]}. */
public record TensorType(DType dtype, Shape shape) {

    public TensorType {
        if (dtype == null || shape == null) {
            throw new IllegalArgumentException("tensor type needs a dtype and a shape");
        }
    }

    public static TensorType of(DType dtype, long... sizes) {
        return new TensorType(dtype, Shape.of(sizes));
    }

    /** A type from sizes and symbols, e.g. {@code TensorType.dims(DType.F32, "batch", 784)}. */
    public static TensorType dims(DType dtype, Object... dims) {
        return new TensorType(dtype, Shape.dims(dims));
    }

    public static TensorType scalar(DType dtype) {
        return new TensorType(dtype, Shape.SCALAR);
    }

    public int rank() {
        return shape.rank();
    }

    public TensorType withShape(Shape s) {
        return new TensorType(dtype, s);
    }

    public TensorType withDtype(DType d) {
        return new TensorType(d, shape);
    }

    @Override
    public String toString() {
        return dtype.text() + shape;
    }
}
