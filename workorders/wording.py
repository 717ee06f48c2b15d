"""WO-15: what customers are told follows standard wording per situation, per language. The
defaults ship here; the operations manager edits them (WordingTemplate rows override them).
Pure: situation and facts in, text out. WO-13's cause class picks the wording on close."""

from django.utils.translation import gettext_lazy as _

SITUATIONS = [
    ("checking", _("Still checking")),
    ("our_fault_fixing", _("Our fault, being fixed")),
    ("our_fault_fixed", _("Our fault, fixed (with apology)")),
    ("customer_side", _("Customer-side cause (with what to check)")),
    ("third_party", _("Third-party cause (e.g. power cut)")),
    ("not_solved_on_site", _("Cannot be solved on site")),
    ("complaint_repeat", _("Complaint about repeats or a long repair")),
]
SITUATION_KEYS = [key for key, _label in SITUATIONS]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
PLACEHOLDERS = ("{customer}", "{number}")

# WO-13 cause class on close -> the wording the customer gets.
CAUSE_SITUATION = {
    "our_side": "our_fault_fixed",
    "third_party": "third_party",
    "customer_side": "customer_side",
}

DEFAULTS: dict[tuple[str, str], str] = {
    ("checking", "zh-hans"): (
        "尊敬的{customer}，您好！您反映的问题我们已受理（工单号：{number}），工程师正在排查中，"
        "有进展我们会第一时间与您联系，请保持电话畅通。"
    ),
    ("our_fault_fixing", "zh-hans"): (
        "尊敬的{customer}，您好！经排查，此次故障是我方线路或设备原因造成的，工程师正在全力抢修，"
        "我们会尽快为您恢复。给您带来不便，敬请谅解！（工单号：{number}）"
    ),
    ("our_fault_fixed", "zh-hans"): (
        "尊敬的{customer}，您好！此次故障系我方原因造成，现已修复，您的业务已恢复正常。"
        "由此给您带来的不便，我们深表歉意，感谢您的理解与支持！（工单号：{number}）"
    ),
    ("customer_side", "zh-hans"): (
        "尊敬的{customer}，您好！经检测，我方线路和局端设备运行正常，问题可能出在您家中的设备上。"
        "请您检查：光猫和路由器的电源是否接通、指示灯是否正常，网线是否插好；必要时请将光猫和"
        "路由器断电重启。如仍有问题，请随时与我们联系。（工单号：{number}）"
    ),
    ("third_party", "zh-hans"): (
        "尊敬的{customer}，您好！此次故障是由第三方原因（如停电、市政施工等）造成的，我们已与相关"
        "单位联系，恢复后您的业务将自动恢复正常，请您耐心等待，感谢您的理解！（工单号：{number}）"
    ),
    ("not_solved_on_site", "zh-hans"): (
        "尊敬的{customer}，您好！您的问题暂时无法在现场解决，我们已详细记录并转交技术人员跟进处理，"
        "处理结果会及时反馈给您，请保持电话畅通。（工单号：{number}）"
    ),
    ("complaint_repeat", "zh-hans"): (
        "尊敬的{customer}，您好！对于故障反复出现、维修时间较长给您带来的困扰，我们深表歉意。"
        "您的问题已列为重点跟进，由专人负责彻底排查，并会及时向您反馈处理进度。（工单号：{number}）"
    ),
    ("checking", "en"): (
        "Dear {customer}, we have received your report (order {number}) and an engineer is "
        "looking into it. We will call you as soon as we know more; please keep your phone on."
    ),
    ("our_fault_fixing", "en"): (
        "Dear {customer}, the fault was caused by our line or equipment. Our engineers are "
        "repairing it and will restore your service as soon as possible. We apologise for the "
        "inconvenience. (Order {number})"
    ),
    ("our_fault_fixed", "en"): (
        "Dear {customer}, the fault was on our side and has been fixed; your service is back to "
        "normal. We sincerely apologise for the inconvenience and thank you for your patience. "
        "(Order {number})"
    ),
    ("customer_side", "en"): (
        "Dear {customer}, our line and exchange equipment are working normally; the problem is "
        "probably with the equipment in your home. Please check that the optical modem and the "
        "router are powered on and their lights are normal, and that the cables are plugged in; "
        "if needed, switch the modem and router off and on again. Call us any time if the "
        "problem remains. (Order {number})"
    ),
    ("third_party", "en"): (
        "Dear {customer}, the fault was caused by a third party (e.g. a power cut or road "
        "works). We are in contact with them; your service will come back by itself once they "
        "have restored it. Thank you for your patience. (Order {number})"
    ),
    ("not_solved_on_site", "en"): (
        "Dear {customer}, your problem could not be solved on site today. We have recorded it "
        "and a technician will follow it up; we will tell you the result. Please keep your "
        "phone on. (Order {number})"
    ),
    ("complaint_repeat", "en"): (
        "Dear {customer}, we apologise for the trouble the repeated faults and the long repair "
        "have caused you. Your case now has a dedicated person who will find the cause and keep "
        "you informed. (Order {number})"
    ),
}


def situation_for(*, state: str, cause_class: str) -> str:
    """WO-15 with WO-13: the wording that fits the order now. Closed (or resolved) with a cause
    class: that cause's wording; escalated or not completed: cannot be solved on site; else
    still checking. "Our fault, being fixed" and the complaint wording are chosen by hand."""
    if cause_class in CAUSE_SITUATION:
        return CAUSE_SITUATION[cause_class]
    if state in ("escalated", "not_completed"):
        return "not_solved_on_site"
    return "checking"


def render(template: str, *, customer: str, number: str) -> str:
    """The template with its placeholders filled; other braces are left as typed."""
    return template.replace("{customer}", customer).replace("{number}", number)
