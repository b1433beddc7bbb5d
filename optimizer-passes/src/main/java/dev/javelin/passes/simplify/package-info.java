/**
 * Graph simplification: dead-code elimination, common-subexpression elimination, constant folding
 * and algebraic identities. Identities are data: {@link dev.javelin.passes.simplify.Rule}s run to a
 * fixed point by the {@link dev.javelin.passes.simplify.RuleEngine}. See {@code docs/passes.md}.
 */
package dev.javelin.passes.simplify;
