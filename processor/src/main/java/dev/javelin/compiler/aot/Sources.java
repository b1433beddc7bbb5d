package dev.javelin.compiler.aot;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * The sources of this javac run that the evaluation reads: the model class and any class whose
 * static helpers it calls. javac gives each class's compilation unit (classes from jars have none);
 * JavaParser parses it once; a JavaParser node leads back to javac's unit, so an error inside a
 * helper of another file is reported in that file.
 */
final class Sources {
    /** A class whose source is in this javac run: javac's element and unit, JavaParser's unit and type. */
    record SourceClass(TypeElement element, CompilationUnitTree tree, CompilationUnit unit, TypeDeclaration<?> decl) {
        /** The source file's name, as a stack trace would name it ({@code Mlp.java}). */
        String fileName() {
            return fileName(tree);
        }

        static String fileName(CompilationUnitTree tree) {
            String name = tree.getSourceFile().getName();
            return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        }
    }

    private final Trees trees;
    private final Map<CompilationUnitTree, CompilationUnit> parsed = new IdentityHashMap<>();
    private final Map<CompilationUnit, CompilationUnitTree> units = new IdentityHashMap<>();

    Sources(Trees trees) {
        this.trees = trees;
    }

    /**
     * {@code type}'s source, or empty when javac read it from a class file. Throws {@link
     * IllegalArgumentException} when JavaParser cannot parse a source javac accepted (newer syntax).
     */
    Optional<SourceClass> of(TypeElement type) {
        TreePath path = trees.getPath(type);
        if (path == null) {
            return Optional.empty();
        }
        CompilationUnitTree tree = path.getCompilationUnit();
        CompilationUnit unit = parsed.computeIfAbsent(tree, this::parse);
        String name = type.getQualifiedName().toString();
        for (TypeDeclaration<?> t : unit.findAll(TypeDeclaration.class)) {
            if (t.getFullyQualifiedName().filter(name::equals).isPresent()) {
                return Optional.of(new SourceClass(type, tree, unit, t));
            }
        }
        return Optional.empty();
    }

    /** javac's unit of the file {@code node} was parsed from, or null for a node made by Javelin. */
    CompilationUnitTree treeOf(Node node) {
        return node == null ? null : node.findCompilationUnit().map(units::get).orElse(null);
    }

    private CompilationUnit parse(CompilationUnitTree tree) {
        String text;
        try {
            text = tree.getSourceFile().getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ParseResult<CompilationUnit> result = new JavaParser(
                        new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25))
                .parse(text);
        if (result.getResult().isEmpty() || !result.isSuccessful()) {
            throw new IllegalArgumentException("Javelin could not parse " + SourceClass.fileName(tree)
                    + " (it reads model sources as Java 25 syntax): " + result.getProblems());
        }
        CompilationUnit unit = result.getResult().get();
        units.put(unit, tree);
        return unit;
    }
}
