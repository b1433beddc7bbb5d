package dev.javelin.compiler.aot;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Names in one source file as javac reads them, through javac's own element model: a type by simple
 * name (member types of the class and its enclosing classes, single-type imports, nested-class
 * imports, static imports of member types, the file's package, on-demand imports, {@code java.lang},
 * module imports) or by qualified name; the static fields and methods a simple name means (the class's own, then
 * static single imports, then static on-demand imports).
 */
final class Names {
    private final Elements elements;
    private final TypeElement self;
    private final String pkg;
    private final List<ImportDeclaration> imports;

    Names(Elements elements, CompilationUnit unit, TypeElement self) {
        this.elements = elements;
        this.self = self;
        this.pkg = elements.getPackageOf(self).getQualifiedName().toString();
        this.imports = List.copyOf(unit.getImports());
    }

    /** The type a name written in this file means ({@code Linear}, {@code Pooling.MaxPool2d}, {@code a.b.C}). */
    Optional<TypeElement> type(String name) {
        String[] parts = name.split("\\.");
        Optional<TypeElement> head = simpleType(parts[0]);
        if (head.isPresent()) {
            return member(head.get(), parts, 1);
        }
        // A package-qualified name: the longest package prefix javac knows, then member types.
        for (int i = parts.length; i >= 1; i--) {
            TypeElement t =
                    elements.getTypeElement(String.join(".", List.of(parts).subList(0, i)));
            if (t != null) {
                return member(t, parts, i);
            }
        }
        return Optional.empty();
    }

    private Optional<TypeElement> member(TypeElement t, String[] parts, int from) {
        TypeElement at = t;
        for (int i = from; i < parts.length && at != null; i++) {
            at = memberType(at, parts[i]);
        }
        return Optional.ofNullable(at);
    }

    private Optional<TypeElement> simpleType(String name) {
        for (Element e = self; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getSimpleName().contentEquals(name)) {
                return Optional.of(t);
            }
            TypeElement m = memberType(t, name);
            if (m != null) {
                return Optional.of(m);
            }
        }
        for (ImportDeclaration i : imports) {
            if (!i.isAsterisk() && !i.isModule() && i.getName().getIdentifier().equals(name)) {
                TypeElement t = i.isStatic()
                        ? owner(i).map(o -> memberType(o, name)).orElse(null)
                        : elements.getTypeElement(i.getNameAsString());
                if (t != null) {
                    return Optional.of(t);
                }
            }
        }
        TypeElement same = elements.getTypeElement(pkg.isEmpty() ? name : pkg + "." + name);
        if (same != null) {
            return Optional.of(same);
        }
        for (ImportDeclaration i : imports) {
            if (i.isAsterisk() && !i.isModule()) {
                TypeElement t = i.isStatic()
                        ? Optional.ofNullable(elements.getTypeElement(i.getNameAsString()))
                                .map(o -> memberType(o, name))
                                .orElse(null)
                        : elements.getTypeElement(i.getNameAsString() + "." + name);
                if (t != null) {
                    return Optional.of(t);
                }
            }
        }
        TypeElement lang = elements.getTypeElement("java.lang." + name);
        if (lang != null) {
            return Optional.of(lang);
        }
        for (ImportDeclaration i : imports) {
            if (i.isModule()) {
                TypeElement t = exported(elements.getModuleElement(i.getNameAsString()), name, new HashSet<>());
                if (t != null) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    /** A public type {@code name} of a package {@code module} (or a module it requires transitively) exports to all. */
    private TypeElement exported(ModuleElement module, String name, Set<ModuleElement> seen) {
        if (module == null || !seen.add(module)) {
            return null;
        }
        for (ModuleElement.ExportsDirective e : ElementFilter.exportsIn(module.getDirectives())) {
            if (e.getTargetModules() == null) {
                TypeElement t = elements.getTypeElement(module, e.getPackage().getQualifiedName() + "." + name);
                if (t != null && t.getModifiers().contains(Modifier.PUBLIC)) {
                    return t;
                }
            }
        }
        for (ModuleElement.RequiresDirective r : ElementFilter.requiresIn(module.getDirectives())) {
            TypeElement t = r.isTransitive() ? exported(r.getDependency(), name, seen) : null;
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** The class whose static members {@code name} means: this class (or an enclosing one), then static imports. */
    Optional<TypeElement> staticFieldOwner(String name) {
        return staticOwner(name, t -> field(t, name).isPresent());
    }

    Optional<TypeElement> staticMethodOwner(String name) {
        return staticOwner(
                name,
                t -> ElementFilter.methodsIn(elements.getAllMembers(t)).stream()
                        .anyMatch(m -> m.getSimpleName().contentEquals(name)
                                && m.getModifiers().contains(Modifier.STATIC)));
    }

    private Optional<TypeElement> staticOwner(String name, java.util.function.Predicate<TypeElement> has) {
        for (Element e = self; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (has.test(t)) {
                return Optional.of(t);
            }
        }
        List<TypeElement> onDemand = new ArrayList<>();
        for (ImportDeclaration i : imports) {
            if (!i.isStatic() || i.isModule()) {
                continue;
            }
            if (i.isAsterisk()) {
                Optional.ofNullable(elements.getTypeElement(i.getNameAsString()))
                        .ifPresent(onDemand::add);
            } else if (i.getName().getIdentifier().equals(name)) {
                Optional<TypeElement> o = owner(i).filter(has);
                if (o.isPresent()) {
                    return o;
                }
            }
        }
        return onDemand.stream().filter(has).findFirst();
    }

    /** The field {@code name} of {@code type}, declared or inherited. */
    Optional<VariableElement> field(TypeElement type, String name) {
        return ElementFilter.fieldsIn(elements.getAllMembers(type)).stream()
                .filter(f -> f.getSimpleName().contentEquals(name))
                .findFirst();
    }

    /** The binary name reflection loads {@code type} by ({@code a.b.Outer$Inner}). */
    String binaryName(TypeElement type) {
        return elements.getBinaryName(type).toString();
    }

    private Optional<TypeElement> owner(ImportDeclaration staticImport) {
        String n = staticImport.getNameAsString();
        return Optional.ofNullable(elements.getTypeElement(n.substring(0, n.lastIndexOf('.'))));
    }

    private static TypeElement memberType(TypeElement t, String name) {
        for (Element e : t.getEnclosedElements()) {
            if (e instanceof TypeElement m
                    && m.getSimpleName().contentEquals(name)
                    && e.getKind() != ElementKind.TYPE_PARAMETER) {
                return m;
            }
        }
        return null;
    }
}
