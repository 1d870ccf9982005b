"""Differential test: the APK collector's code references against androguard's full analysis.

For every corpus APK, the set of (knowledge API, caller class, caller method, caller descriptor)
that ``collect_apk`` reports must equal what androguard 4.1.4's ``AnalyzeAPK`` says:

* ``call`` entries: the callers in ``MethodAnalysis.get_xref_from()`` of every method androguard
  knows under that class and name (its xref model: the class named in the method_id, any
  prototype, no subclass resolution; exactly our model).
* ``string`` entries: the callers in ``StringAnalysis.get_xref_from()`` of every string that
  starts with the value.
* ``field`` entries: androguard records field xrefs only for fields the app itself defines
  (``create_xref`` drops a field it cannot resolve to an ``EncodedField``), so framework fields
  such as ``android.os.Build.SERIAL`` have no xrefs there. The oracle for fields is therefore
  androguard's own instruction decoder: every ``iget*``/``sget*`` whose field reference names the
  class and field, over every method androguard decoded.
* ``args_any`` is applied to both sides: a reference counts only when the calling method loads
  one of the listed string constants (androguard side: ``StringAnalysis`` xrefs).

Documented, allowed differences (none occurs in the current corpus except as noted):

* References found in secondary code (``assets/*.dex|jar``, ``CodeRef.container`` set) are ours
  alone: androguard's ``AnalyzeAPK`` reads only ``classes*.dex``.
* Inherited APIs (``CodeRef.via`` set) are ours alone, and only they are left out of the
  comparison: a call site names the class of the receiver's static type, so an Activity subclass
  calling its inherited ``requestPermissions`` is ``MainActivity.requestPermissions`` in the
  bytecode. androguard's xref model stops at that method_id (it has no ``MethodAnalysis`` under
  ``android.app.Activity`` for it); we resolve the call up the class hierarchy, as source mode
  does, and report ``android.app.Activity.requestPermissions`` with ``via`` naming the subclass.
  They occur in the corpus (e.g. ``thread.start`` on ``Thread`` subclasses, ``handler.post`` on
  ``Handler`` subclasses, ``context.send-broadcast`` in Activities);
  ``test_inherited_refs_are_only_ours`` checks that every one of them names an app class that
  androguard indeed reports nothing for under the API's own class.
* ``ag_multidex.apk`` has no manifest: androguard fails, we raise ``InputError`` (tested in
  ``test_apk_collect.py``), so it is not compared here.
"""

from __future__ import annotations

import re

import pytest
from conftest import corpus_apks
from test_apk_helpers import knowledge

from selfaudit.collect.apk import collect_apk

pytest.importorskip("androguard", reason="androguard (the oracle) is not installed")

BIG = 5 * 1024 * 1024
NO_MANIFEST = {"ag_multidex.apk"}


def _params():
    out = []
    for p in corpus_apks():
        if p.name in NO_MANIFEST:
            continue
        marks = [pytest.mark.slow] if p.stat().st_size > BIG else []
        out.append(pytest.param(p, id=p.name, marks=marks))
    return out or [pytest.param(None, marks=pytest.mark.skip(reason="corpus not found"))]


def _name(desc: str) -> str:
    return desc[1:-1].replace("/", ".") if desc.startswith("L") and desc.endswith(";") else desc


def _key(api_id: str, ma) -> tuple[str, str, str, str]:
    return (api_id, ma.class_name, ma.name, ma.descriptor.replace(" ", ""))


def oracle(path, apis) -> set[tuple[str, str, str, str]]:
    from loguru import logger

    logger.remove()
    from androguard.misc import AnalyzeAPK

    _a, dexes, dx = AnalyzeAPK(str(path))

    def callers_loading(values) -> set:
        out = set()
        for v in values:
            sa = dx.strings.get(v)
            if sa is not None:
                out.update((c.name, m.name, m.descriptor.replace(" ", "")) for c, m, *_ in sa.get_xref_from())
        return out

    wanted_fields: dict[tuple[str, str], list[str]] = {}
    result: set[tuple[str, str, str, str]] = set()
    for api in apis:
        raw: set[tuple[str, str, str, str]] = set()
        if api.kind == "call":
            desc = "L" + api.class_name.replace(".", "/") + ";"
            for ma in dx.find_methods(classname="^" + re.escape(desc) + "$",
                                      methodname="^" + re.escape(api.member) + "$"):
                for _c, caller, _off in ma.get_xref_from():
                    raw.add(_key(api.id, caller))
        elif api.kind == "string":
            for sa in dx.find_strings("^" + re.escape(api.value)):
                for _c, caller, *_ in sa.get_xref_from():
                    raw.add(_key(api.id, caller))
        else:
            desc = "L" + api.class_name.replace(".", "/") + ";"
            wanted_fields.setdefault((desc, api.member), []).append(api.id)
            continue
        if api.args_any:
            allowed = callers_loading(api.args_any)
            raw = {k for k in raw if k[1:] in allowed}
        result |= raw
    if wanted_fields:
        for dex in dexes:
            for method in dex.get_encoded_methods():
                if method.get_code() is None:
                    continue
                hit_ids: set[str] = set()
                for ins in method.get_instructions():
                    op = ins.get_op_value()
                    if 0x52 <= op <= 0x58 or 0x60 <= op <= 0x66:
                        cls, _typ, name = dex.get_cm_field(ins.get_ref_kind())
                        hit_ids.update(wanted_fields.get((cls, name), ()))
                for api_id in hit_ids:
                    result.add((api_id, method.get_class_name(), method.get_name(),
                                method.get_descriptor().replace(" ", "")))
    return {(a, _name(c), m, d) for a, c, m, d in result}


def ours(path, kb) -> tuple[set, set, set]:
    """(main-code references, secondary-code references, inherited references) as oracle keys."""
    facts = collect_apk(path, kb)
    main, secondary, inherited = set(), set(), set()
    for ref in facts.code_refs:
        key = (ref.api_id, ref.location.class_name, ref.location.method, ref.location.descriptor)
        (secondary if ref.container else inherited if ref.via else main).add(key)
    return main, secondary, inherited


@pytest.mark.parametrize("apk", _params())
def test_code_refs_equal_androguard_xrefs(apk):
    kb = knowledge()
    mine, _secondary, _inherited = ours(apk, kb)
    theirs = oracle(apk, list(kb.apis.values()))
    missing = sorted(theirs - mine)
    extra = sorted(mine - theirs)
    assert not missing and not extra, (
        f"{apk.name}: {len(missing)} references only androguard finds, e.g. {missing[:5]}; "
        f"{len(extra)} only we find, e.g. {extra[:5]}"
    )


def test_inherited_refs_are_only_ours(corpus):
    """The documented difference: references resolved through inheritance are ones androguard's
    xref model cannot see (each names an app class, not the API's class), and the corpus has some."""
    apk = corpus("exodus_blooddonation.apk")
    kb = knowledge()
    facts = collect_apk(apk, kb)
    inherited = [r for r in facts.code_refs if r.via]
    assert inherited, "expected inherited references (Thread and Handler subclasses) in this APK"
    for ref in inherited:
        assert ref.via != kb.apis[ref.api_id].class_name and facts.code.has_class(ref.via)

    def key(r):
        return (r.api_id, r.location.class_name, r.location.method, r.location.descriptor)

    only_inherited = {key(r) for r in inherited} - {key(r) for r in facts.code_refs if not r.via}
    assert only_inherited and not only_inherited & oracle(apk, list(kb.apis.values()))
