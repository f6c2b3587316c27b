"""decide(policy, result, channel) -> Decision: what presend does with one scan result.

Pure: no I/O, no clock, no randomness; the same inputs always give the same Decision.

How a verdict is reached:

1. A folder or file-check source under an allowlisted path is allowed outright.
2. Findings scored below the reporting threshold, or whose value is allowlisted (by
   fingerprint or pattern), are not reported.
3. Each reported finding gets an action from the policy (first matching rule, then entity
   type, then category, then severity; a channel's own setting before the general one).
4. The verdict is the strictest action; a scan that could not finish (or failed) is at
   least the policy's ``on_incomplete``: never silently allowed.
5. In simulation mode the verdict is at most ``warn`` (notify) and ``intended`` says what
   would have happened.
6. Layers that may only make things stricter (user preferences, a ``--policy`` file while
   an admin policy is in force) are decided too, and the strictest outcome wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.policy import Channel, OverrideMode, Policy, Verdict
from classifiers.model import Finding, ScanResult

__all__ = ["Channel", "Decision", "Verdict", "decide"]

_PATH_CHANNELS = (Channel.FOLDER, Channel.FILE_CHECK)


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's answer for one scan result. ``reasons`` never quote values."""

    verdict: Verdict
    reported: tuple[Finding, ...] = ()
    reasons: tuple[str, ...] = ()
    may_override: bool = False
    reason_required: bool = False
    # what each reported finding would get on its own (same order as ``reported``)
    actions: tuple[Verdict, ...] = ()
    # simulation: ``verdict`` is at most warn; ``intended`` is what would have happened
    simulated: bool = False
    intended: Verdict | None = None
    channel: Channel = Channel.CLI

    @property
    def to_redact(self) -> tuple[Finding, ...]:
        """The findings a redaction replaces: those whose own action is redact or block."""
        return tuple(
            f for f, a in zip(self.reported, self.actions, strict=True) if a >= Verdict.REDACT
        )

    @property
    def effective_intended(self) -> Verdict:
        return self.intended if self.intended is not None else self.verdict


def decide(
    policy: Policy,
    result: ScanResult,
    channel: Channel,
    destination: str | None = None,
) -> Decision:
    """The Decision for ``result`` seen on ``channel``.

    ``destination`` is the AI destination the content is going to (a name from the
    policy's destinations), any other string for a known non-AI application, or None when
    unknown (then destination-specific rules apply: unknown never loosens).
    """
    decision = _decide_one(policy, result, channel, destination)
    for layer in policy.stricter:
        decision = _stricter(decision, _decide_one(layer, result, channel, destination))
    return decision


def _decide_one(
    policy: Policy, result: ScanResult, channel: Channel, destination: str | None
) -> Decision:
    if channel in _PATH_CHANNELS and result.source and policy.path_allowlisted(result.source):
        return Decision(
            verdict=Verdict.ALLOW,
            reasons=("path is on the allowlist",),
            channel=channel,
        )
    reported: list[Finding] = []
    actions: list[Verdict] = []
    reasons: list[str] = []
    allowlisted = 0
    for finding in result.findings:
        if finding.score < policy.min_score_for(finding.entity_type, channel):
            continue
        if finding.value and policy.value_allowlisted(finding.value):
            allowlisted += 1
            continue
        action, how = policy.action_for(finding, channel, destination)
        reported.append(finding)
        actions.append(action)
        _add(reasons, f"{finding.entity_type} ({finding.recognizer}): {action.value} by {how}")
    verdict = max(actions, default=Verdict.ALLOW)
    if allowlisted:
        _add(reasons, f"{allowlisted} finding(s) on the allowlist")
    if not result.complete or result.error:
        fallback = policy.on_incomplete_for(channel)
        what = "scan failed" if result.error else "scan incomplete"
        _add(reasons, f"{what}: {fallback.value} (on_incomplete)")
        verdict = max(verdict, fallback)
    intended: Verdict | None = None
    if policy.simulation:
        intended = verdict
        if verdict > Verdict.WARN:
            _add(reasons, f"simulation: would {verdict.value}, only notifying")
            verdict = Verdict.WARN
    mode = policy.override_mode(verdict)
    return Decision(
        verdict=verdict,
        reported=tuple(reported),
        reasons=tuple(reasons),
        may_override=mode is not OverrideMode.NEVER,
        reason_required=mode is OverrideMode.WITH_REASON,
        actions=tuple(actions),
        simulated=policy.simulation,
        intended=intended,
        channel=channel,
    )


def _stricter(a: Decision, b: Decision) -> Decision:
    """The stricter of two decisions about the same result; reports and reasons are joined."""
    keys = {_key(f): i for i, f in enumerate(a.reported)}
    reported = list(a.reported)
    actions = list(a.actions)
    for f, action in zip(b.reported, b.actions, strict=True):
        i = keys.get(_key(f))
        if i is None:
            keys[_key(f)] = len(reported)
            reported.append(f)
            actions.append(action)
        else:
            actions[i] = max(actions[i], action)
    reasons = list(a.reasons)
    for r in b.reasons:
        _add(reasons, r)
    if a.verdict != b.verdict:
        winner = a if a.verdict > b.verdict else b
        may_override, reason_required = winner.may_override, winner.reason_required
    else:
        may_override = a.may_override and b.may_override
        reason_required = a.reason_required or b.reason_required
    intended = max(a.effective_intended, b.effective_intended)
    simulated = a.simulated and b.simulated
    return Decision(
        verdict=max(a.verdict, b.verdict),
        reported=tuple(reported),
        reasons=tuple(reasons),
        may_override=may_override,
        reason_required=reason_required,
        actions=tuple(actions),
        simulated=simulated,
        intended=intended if simulated else None,
        channel=a.channel,
    )


def _key(f: Finding) -> tuple[int, int, str, str]:
    return (f.start, f.end, f.entity_type, f.recognizer)


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
