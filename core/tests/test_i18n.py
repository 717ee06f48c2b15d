"""Every user-facing string has a Simplified Chinese translation, and it stays that way.

English is the msgid language; zh-hans is the default language. The catalogue is
locale/zh_Hans/LC_MESSAGES/django.po with its compiled django.mo (committed: production
machines may lack gettext). When a test here fails after a code change:

    uv run python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var \
        --ignore=node_modules --no-obsolete
    # translate the new entries in django.po, drop their "#, fuzzy" flags
    uv run python manage.py compilemessages --ignore=.venv
"""

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PO_PATH = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "zh_Hans",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=node_modules",
    "--no-obsolete",
]
# What is not copied for the makemessages run: environments, data, caches, VCS.
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "var",
    "node_modules",
    "__pycache__",
    "*.pyc",
    ".hypothesis",
    ".ruff_cache",
    ".pytest_cache",
    "test-results",
)

# %(name)s, %s, %d ...; "%%" is a literal percent sign, not a placeholder.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
NAMED_PERCENT = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Chinese characters and full-width punctuation (，：（）).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LETTERS = re.compile(r"[A-Za-z]")
# Translations that legitimately contain no Chinese character (none so far).
NO_CJK_OK: set[str] = set()


def has_words(msgid: str) -> bool:
    """False for messages that are only placeholders and punctuation, e.g. "{period}"."""
    return bool(LETTERS.search(BRACE_PLACEHOLDER.sub("", NAMED_PERCENT.sub("", msgid))))


def entry_name(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def untranslated_or_fuzzy(po: polib.POFile) -> tuple[list[str], list[str]]:
    live = [e for e in po if e.msgid and not e.obsolete]
    untranslated = [entry_name(e) for e in live if not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [entry_name(e) for e in live if "fuzzy" in e.flags]
    return untranslated, fuzzy


def placeholders(text: str, *, python_format: bool) -> tuple[list[str], list[str]]:
    """Sorted percent and brace placeholders of a message.

    Positional %s/%d only count when the entry is flagged python-format (a bare "%" in a text is
    not a placeholder); named %(x)s and {x} always do.
    """
    pattern = PERCENT_PLACEHOLDER if python_format else NAMED_PERCENT
    percent = sorted(p for p in pattern.findall(text) if p != "%%")
    return percent, sorted(BRACE_PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing: run makemessages -l zh_Hans"
    return polib.pofile(str(PO_PATH))


def test_catalogue_header_is_simplified_chinese_with_one_plural_form(po):
    assert po.metadata.get("Language") == "zh_Hans"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, "the header is still marked fuzzy"


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    untranslated, fuzzy = untranslated_or_fuzzy(po)
    assert not untranslated, f"untranslated entries in {PO_PATH.name}: {untranslated}"
    assert not fuzzy, f"fuzzy entries in {PO_PATH.name} (check, then drop the flag): {fuzzy}"


def test_translations_keep_the_placeholders_of_their_msgid(po):
    wrong = []
    for entry in po:
        if not entry.msgid or entry.obsolete or not entry.translated():
            continue
        python_format = "python-format" in entry.flags
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 1, f"{entry.msgid!r}: zh has one plural form"
            expected = placeholders(entry.msgid_plural, python_format=python_format)
            # %(n)s may be left out of a singular msgid, never out of the one zh form.
            translations = list(entry.msgstr_plural.values())
        else:
            expected = placeholders(entry.msgid, python_format=python_format)
            translations = [entry.msgstr]
        for text in translations:
            got = placeholders(text, python_format=python_format)
            if got != expected:
                wrong.append(f"{entry_name(entry)!r} -> {text!r}: {got} != {expected}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_are_chinese_not_copies_of_the_english(po):
    suspicious = []
    for entry in po:
        if not entry.msgid or entry.obsolete or not has_words(entry.msgid):
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            if text and not CJK.search(text) and entry.msgid not in NO_CJK_OK:
                suspicious.append(f"{entry_name(entry)!r} -> {text!r}")
    assert not suspicious, "translations without any Chinese character:\n" + "\n".join(suspicious)


def test_compiled_catalogue_matches_the_po(po):
    """django.mo is committed; it must hold exactly the translated entries of django.po."""
    assert MO_PATH.is_file(), f"{MO_PATH} is missing: run compilemessages"
    mo = polib.mofile(str(MO_PATH))

    def table(entries) -> dict:
        return {
            (e.msgctxt or None, e.msgid, e.msgid_plural or None): (
                e.msgstr,
                tuple(sorted((int(k), v) for k, v in e.msgstr_plural.items())),
            )
            for e in entries
            if e.msgid
        }

    expected = table(po.translated_entries())
    compiled = table(mo)
    stale = sorted(str(k) for k in expected.keys() ^ compiled.keys())
    assert not stale, f"django.mo and django.po differ in these entries (compilemessages): {stale}"
    changed = sorted(str(k) for k in expected if expected[k] != compiled[k])
    assert not changed, f"django.mo holds other translations than django.po: {changed}"


def test_no_string_in_the_code_lacks_a_translation(tmp_path):
    """makemessages on a copy of the project finds no new or changed string without zh text."""
    missing = [tool for tool in ("xgettext", "msgmerge", "msguniq") if shutil.which(tool) is None]
    if missing:
        reason = f"gettext tools not on PATH: {', '.join(missing)} (apt-get install gettext)"
        if os.environ.get("CREWDESK_TEST_STRICT") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    # A copy of the whole project, so makemessages writes only below tmp_path: its settings'
    # BASE_DIR and so LOCALE_PATHS point at the copy.
    project = tmp_path / "project"
    shutil.copytree(BASE_DIR, project, ignore=COPY_IGNORE, symlinks=True)
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("CREWDESK_") or k in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"})
    }
    env.update(
        DJANGO_SETTINGS_MODULE="crewdesk.settings",
        CREWDESK_SECRET_KEY="i18n-test-only",
        CREWDESK_VAR_DIR=str(var_dir),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    regenerated = polib.pofile(str(project / PO_PATH.relative_to(BASE_DIR)))
    untranslated, fuzzy = untranslated_or_fuzzy(regenerated)
    assert not untranslated, (
        f"strings in the code without a zh-hans translation (run makemessages, translate): "
        f"{untranslated}"
    )
    assert not fuzzy, f"strings whose msgid changed (check the translation, drop fuzzy): {fuzzy}"


class VisibleText(HTMLParser):
    """Text nodes and the human-read attributes of a page, without script and style."""

    ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value.strip())
        if tag == "input" and dict(attrs).get("type") in {"submit", "button"}:
            self.texts.append((dict(attrs).get("value") or "").strip())

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data.strip())


# On every page: the menu, the role of the logged-in operations manager, the log-out button.
EVERY_PAGE = ["菜单", "主导航", "首页", "运营部经理", "退出登录"]
PAGES = {
    "/": ["我可查看的人员", "组织单元", "制度参数", "审计日志"],
    "/people/": ["人员", "工号", "名称", "角色", "用工类型", "运维工程师"],
    "/people/organisation/": ["组织架构", "公司", "区站与片区", "班组", "甲方", "本公司"],
    "/people/customers/": ["用户", "搜索", "用户账号", "地址"],
    "/policy/": [
        "制度参数",
        "派单后工程师联系用户的时限",
        "分钟",
        "元",
        "保存制度参数",
        "修改历史",
    ],
    "/audit/": ["审计日志", "操作人", "筛选", "对象类型"],
    "/tokens/": ["API 令牌", "创建令牌", "名称", "前缀"],
}
# English UI words that show up only when a translation is missing.
ENGLISH = [
    "Log out",
    "Menu",
    "Home",
    "People",
    "Organisation",
    "Customers",
    "Policy",
    "Audit log",
    "API tokens",
    "Save policy",
    "Filter",
    "Search",
    "Staff number",
    "Employment type",
    "Create token",
    "Engineer",
    "Operations manager",
]


@pytest.mark.parametrize("url", list(PAGES))
def test_pages_are_in_chinese(client, org, po, url):
    client.force_login(org.ops.user)  # zh-hans: the default language, nothing chosen
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    html = response.content.decode()
    for word in EVERY_PAGE + PAGES[url]:
        assert word in html, f"{url}: {word!r} missing"
    for word in ENGLISH:
        assert word not in html, f"{url}: untranslated {word!r}"
    # Generic: no text node or label on the page is an English msgid as it stands.
    parser = VisibleText()
    parser.feed(html)
    msgids = {e.msgid for e in po if e.msgid} | {e.msgid_plural for e in po if e.msgid_plural}
    untranslated = sorted(set(parser.texts) & msgids)
    assert not untranslated, f"{url}: untranslated texts {untranslated}"


@pytest.mark.parametrize("url", ["/", "/policy/"])
def test_the_same_pages_in_english_show_the_msgids(client, org, url, settings):
    """Control for the test above: the English words it looks for do appear in English."""
    client.force_login(org.ops.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switch sets
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Log out" in html
    assert "退出登录" not in html


def test_the_not_found_page_is_in_chinese(client, org):
    """Scoping answers 404 for what a user may not see: Django's built-in page is English only."""
    client.force_login(org.ops.user)
    response = client.get("/people/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "返回首页" in html and "退出登录" in html
    assert "Not Found" not in html
