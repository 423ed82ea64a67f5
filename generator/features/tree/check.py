"""Tree check: validation of a topic's authored decision tree, with source locations.

Input: a validated Topic and the products; output: diagnostics. Stages: unique node
ids and answers -> unknown targets -> loops -> unreachable nodes -> per version (dead
ends, answers leading to what the version lacks) -> causes no path reaches (warnings).
"""

from __future__ import annotations

from collections import defaultdict

from ...catalogue.model import Topic, TreeAnswer, TreeNode
from ...catalogue.resolve import resolve_topic
from ...core.diagnostics import Diagnostics, Loc, did_you_mean
from ...core.versions import Products, format_monikers
from .derive import active_entries, answer_key, derive_topic, reached_causes


def _versions(monikers: list[str]) -> str:
    return ("version " if len(monikers) == 1 else "versions ") + format_monikers(monikers)


def _label(answer: TreeAnswer, index: int) -> str:
    return f"answer {index + 1} ('{answer.label}')"


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _check_answers(node: TreeNode, diagnostics: Diagnostics) -> bool:
    """No two answers of a question share a label or a key in a version."""
    ok = True
    for j, later in enumerate(node.answers):
        for i, earlier in enumerate(node.answers[:j]):
            if not earlier.applies_to.monikers & later.applies_to.monikers:
                continue  # never shown together
            if _normal(earlier.label) == _normal(later.label):
                diagnostics.error(
                    later.loc, f"node '{node.id}'",
                    f"answer '{later.label}' is listed twice (answers {i + 1} and {j + 1})",
                    "merge them, or give them applies_to ranges that don't overlap",
                )
                ok = False
                break
            if answer_key(earlier) == answer_key(later):
                diagnostics.error(
                    later.loc, f"node '{node.id}'",
                    f"answers {i + 1} and {j + 1} have the same id '{answer_key(later)}'",
                    "give one of them another 'id' (the key of the answer in links)",
                )
                ok = False
                break
    return ok


def _check_targets(topic: Topic, nodes: dict[str, TreeNode],
                   diagnostics: Diagnostics) -> bool:
    entries = [e.id for e in topic.entries]
    causes = [c.id for e in topic.entries for c in e.causes]
    retired = {e.id for e in topic.entries if e.retired}
    retired_causes = {c.id: e.id for e in topic.entries if e.retired for c in e.causes}
    left_out = "the decision tree leaves retired entries out"
    ok = True
    for node in nodes.values():
        subject = f"node '{node.id}'"
        if node.id in retired:
            diagnostics.error(node.loc, subject,
                              f"node '{node.id}' replaces the questions of retired entry "
                              f"'{node.id}'", f"{left_out}; remove the node")
            ok = False
        for index, answer in enumerate(node.answers):
            if answer.goto and answer.goto not in nodes and answer.goto not in entries:
                diagnostics.error(
                    answer.loc, subject,
                    f"{_label(answer, index)} leads to unknown node '{answer.goto}'",
                    did_you_mean(answer.goto, [*nodes, *entries])
                    or "'goto' names a node of this tree or an entry of this topic",
                )
                ok = False
            elif answer.goto in retired:
                diagnostics.error(
                    answer.loc, subject,
                    f"{_label(answer, index)} leads to retired entry '{answer.goto}'",
                    f"{left_out}; lead the answer elsewhere",
                )
                ok = False
            if answer.cause and answer.cause not in causes:
                diagnostics.error(
                    answer.loc, subject,
                    f"{_label(answer, index)} leads to unknown cause '{answer.cause}'",
                    did_you_mean(answer.cause, causes)
                    or f"'cause' names a cause of an entry of topic '{topic.id}'",
                )
                ok = False
            elif answer.cause in retired_causes:
                diagnostics.error(
                    answer.loc, subject,
                    f"{_label(answer, index)} leads to cause '{answer.cause}' of retired "
                    f"entry '{retired_causes[answer.cause]}'",
                    f"{left_out}; lead the answer elsewhere",
                )
                ok = False
    return ok


def _check_loops(nodes: dict[str, TreeNode], diagnostics: Diagnostics) -> bool:
    """Depth first over 'goto' edges; an edge back to a node on the current path is a loop."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []
    ok = True

    def visit(node_id: str) -> None:
        nonlocal ok
        state[node_id] = 1
        path.append(node_id)
        node = nodes[node_id]
        for index, answer in enumerate(node.answers):
            target = answer.goto
            if target not in nodes:
                continue
            if state.get(target) == 1:
                loop = [*path[path.index(target):], target]
                diagnostics.error(
                    answer.loc, f"node '{node_id}'",
                    f"{_label(answer, index)} leads back to node '{target}': the questions "
                    f"loop ({' -> '.join(loop)})",
                    "lead the answer to a later question, a cause or 'not_covered: true'",
                )
                ok = False
            elif target not in state:
                visit(target)
        path.pop()
        state[node_id] = 2

    for node_id in nodes:
        if node_id not in state:
            visit(node_id)
    return ok


def _check_reachable(topic: Topic, nodes: dict[str, TreeNode],
                     diagnostics: Diagnostics) -> bool:
    """Every node is an entry's first question or the target of another node's answer."""
    starts = [e.id for e in topic.entries if not e.retired and e.id in nodes]
    seen = set(starts)
    todo = list(starts)
    while todo:
        for answer in nodes[todo.pop()].answers:
            if answer.goto in nodes and answer.goto not in seen:
                seen.add(answer.goto)
                todo.append(answer.goto)
    ok = True
    entries = [e.id for e in topic.entries if not e.retired]
    for node_id, node in nodes.items():
        if node_id in seen:
            continue
        close = did_you_mean(node_id, entries)
        diagnostics.error(
            node.loc, f"node '{node_id}'",
            f"node '{node_id}' is not reached: no answer leads to it and no entry has its id",
            f"{close} A node with an entry's id is that entry's first question"
            if close else f"lead an answer to it with 'goto: {node_id}', or remove it",
        )
        ok = False
    return ok


def _check_versions(topic: Topic, nodes: dict[str, TreeNode], products: Products,
                    diagnostics: Diagnostics) -> None:
    """Per version: questions left without answers, answers leading to what is absent."""
    dead: dict[str, list[str]] = defaultdict(list)
    broken: dict[tuple[str, int], list[str]] = defaultdict(list)
    for moniker in topic.applies_to.sorted(products):
        view = resolve_topic(topic, moniker)
        entries = {e.id for e in active_entries(view)}
        causes = {c.id for e in active_entries(view) for c in e.causes}

        def shows(node_id: str, moniker: str = moniker) -> bool:
            return node_id in nodes and moniker in nodes[node_id].applies_to

        todo = [e for e in entries if shows(e)]
        seen = set(todo)
        while todo:
            node_id = todo.pop()
            answers = [(i, a) for i, a in enumerate(nodes[node_id].answers)
                       if moniker in a.applies_to]
            if not answers:
                dead[node_id].append(moniker)
            for index, answer in answers:
                if answer.cause:
                    if answer.cause not in causes:
                        broken[(node_id, index)].append(moniker)
                    continue
                if answer.not_covered:
                    continue
                if answer.goto in entries:
                    target = answer.goto if shows(answer.goto) else ""
                elif shows(answer.goto):
                    target = answer.goto
                else:
                    broken[(node_id, index)].append(moniker)
                    continue
                if target and target not in seen:
                    seen.add(target)
                    todo.append(target)
    for node_id, monikers in dead.items():
        diagnostics.error(
            nodes[node_id].loc, f"node '{node_id}'",
            f"the question has no answer in {_versions(monikers)}: readers there get stuck",
            "add an answer for these versions, or narrow the node's applies_to",
        )
    for (node_id, index), monikers in broken.items():
        answer = nodes[node_id].answers[index]
        what = (f"cause '{answer.cause}'" if answer.cause else f"'{answer.goto}'")
        diagnostics.error(
            answer.loc, f"node '{node_id}'",
            f"{_label(answer, index)} leads to {what}, which is not in {_versions(monikers)}",
            "narrow the answer's applies_to to the versions of its target",
        )


def _check_causes_reached(topic: Topic, products: Products, diagnostics: Diagnostics) -> None:
    unreached: dict[str, list[str]] = defaultdict(list)
    where: dict[str, tuple[Loc, str]] = {}
    for moniker in topic.applies_to.sorted(products):
        part = derive_topic(topic, moniker)
        reached = reached_causes(part)
        for entry in active_entries(resolve_topic(topic, moniker)):
            for cause in entry.causes:
                if cause.id not in reached:
                    unreached[cause.id].append(moniker)
                    where[cause.id] = (cause.loc, entry.id)
    for cause_id, monikers in unreached.items():
        loc, entry_id = where[cause_id]
        diagnostics.warning(
            loc, f"cause '{cause_id}'",
            f"no path of the decision tree reaches this cause in {_versions(monikers)}",
            f"lead an answer of node '{entry_id}' (or a node after it) to 'cause: {cause_id}'",
        )


def check_tree(topic: Topic, products: Products, diagnostics: Diagnostics) -> None:
    """Every problem of a topic's authored tree; later stages run when earlier ones pass."""
    if topic.tree is None:
        return  # derived questions reach every cause by construction
    nodes: dict[str, TreeNode] = {}
    ok = True
    for node in topic.tree.nodes:
        if node.id in nodes:
            diagnostics.error(
                node.loc, f"node '{node.id}'",
                f"node '{node.id}' is defined twice (first at {nodes[node.id].loc})",
                "give each question its own id",
            )
            ok = False
            continue
        nodes[node.id] = node
        ok = _check_answers(node, diagnostics) and ok
    ok = _check_targets(topic, nodes, diagnostics) and ok
    if not ok:
        return
    if not _check_loops(nodes, diagnostics):
        return
    if not _check_reachable(topic, nodes, diagnostics):
        return
    errors = len(diagnostics.errors)
    _check_versions(topic, nodes, products, diagnostics)
    if len(diagnostics.errors) == errors:
        _check_causes_reached(topic, products, diagnostics)
