package dev.javelin.ir.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.javelin.ir.text.Printer;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The op declarations: complete, and what the printer, the parser and shape binding derive from them. */
class OpSchemaTest {
    private static final UnaryOperator<Shape> BATCH_8 = s -> new Shape(
            s.dims().stream().map(d -> d instanceof Dim.Sym ? Dim.of(8) : d).toList());

    @Test
    void everyOpRecordIsDeclaredExactlyOnce() {
        Set<String> permitted = Arrays.stream(Op.class.getPermittedSubclasses())
                .map(Class::getSimpleName)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> declared =
                OpSchema.all().stream().map(s -> s.record().getSimpleName()).toList();
        assertEquals(permitted, new TreeSet<>(declared), "records without a declaration in OpSchema.all()");
        assertEquals(permitted.size(), declared.size(), "a record declared twice: " + declared);
    }

    @Test
    void theMnemonicListIsTheDeclarationsInOrder() {
        assertEquals(List.of("neg", "abs", "sign", "exp"), Op.mnemonics().subList(0, 4));
        assertEquals("assign", Op.mnemonics().getLast());
        assertSame(Conv2d.SCHEMA, OpSchema.forMnemonic("conv2d"));
        assertSame(Pool2dBackprop.SCHEMA, OpSchema.forMnemonic("avg_pool2d_backprop"));
        assertEquals(null, OpSchema.forMnemonic("frobnicate"));
    }

    @Test
    void aGradientOpPrintsItsForwardAttributesFirstAndAnOptionalOneOnlyOffItsDefault() {
        Conv2dBackpropInput nchw = new Conv2dBackpropInput(
                List.of(1L, 1L), List.of(0L, 0L, 0L, 0L), List.of(1L, 1L), 1, Shape.of(1, 2, 3, 3));
        assertEquals(
                "stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, input_shape=[1,2,3,3]",
                Printer.attributes(nchw));
        assertEquals(
                "stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, input_shape=[1,3,3,2]",
                Printer.attributes(nchw.inLayout(Layout.NHWC)));
    }

    @Test
    void shapeBindingRebuildsOnlyOpsThatHoldASymbolicShape() {
        Reshape r = new Reshape(Shape.dims("batch", 4L));
        assertEquals(new Reshape(Shape.of(8, 4)), OpSchema.mapShapes(r, BATCH_8));
        Input in = new Input(TensorType.dims(DType.F32, "batch", 3L));
        assertEquals(new Input(TensorType.of(DType.F32, 8, 3)), OpSchema.mapShapes(in, BATCH_8));
        MatMul m = new MatMul(false, true);
        assertSame(m, OpSchema.mapShapes(m, BATCH_8));
        Constant c = Constant.scalar(TensorType.of(DType.F32, 2), 1.5);
        assertSame(c, OpSchema.mapShapes(c, BATCH_8), "a constant's shape is static: it is not copied");
    }

    @Test
    void aDeclarationMakesItsRecordFromNamedValues() {
        Pad p = Pad.SCHEMA.make(
                new OpSchema.Args("pad", null, Map.of("low", List.of(0L, 1L), "high", List.of(2L, 0L), "value", -1.0)));
        assertEquals(new Pad(List.of(0L, 1L), List.of(2L, 0L), -1.0), p);
        assertSame(Pad.SCHEMA, OpSchema.forOp(p));
    }
}
