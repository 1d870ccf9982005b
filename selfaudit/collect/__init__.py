"""Collectors: turn a target (APK, split bundle, source tree) into :class:`~selfaudit.model.AppFacts`.

Each collector is a plugin implementing ``selfaudit_collect``; the first that recognises the
target wins. Heavy imports stay inside the collector modules so that importing this package
costs nothing.
"""
