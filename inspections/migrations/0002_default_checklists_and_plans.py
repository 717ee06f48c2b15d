"""Default checklists (RULES §8, INS-09: any client may publish its own version) and the default
plans for INS-01, INS-03, INS-04, INS-05 and INS-06. The numbers per period come from the policy
(per_period left empty)."""

from decimal import Decimal

from django.db import migrations

Y, N, T, P = "yes_no", "number", "text", "photo"

# asset type -> (name, rule, items: (label, kind, required, min, max, unit, rule))
CHECKLISTS = {
    "cafe": (
        "网吧例行巡检",
        "INS-01",
        [
            ("出口链路畅通，网络无断线", Y, True, None, None, "", "INS-01"),
            ("交换机、路由等设备运行正常", Y, True, None, None, "", "INS-01"),
            ("设备间温度", N, True, "-10", "60", "℃", "INS-01"),
            ("交换机、机箱及干线线路标签齐全清晰", Y, True, None, None, "", "INS-08"),
            ("现场照片", P, True, None, None, "", "INS-01"),
            ("备注", T, False, None, None, "", ""),
        ],
    ),
    "junction_box": (
        "交接箱抽检及用户线路质量",
        "INS-03",
        [
            ("箱体完好，门锁正常", Y, True, None, None, "", "INS-03"),
            ("箱内清洁，无积水、无杂物", Y, True, None, None, "", "INS-03"),
            ("跳线整齐，线路标签清晰", Y, True, None, None, "", "INS-08"),
            ("抽测用户数", N, True, "0", "50", "户", "INS-03"),
            ("抽测用户最差光功率", N, True, "-40", "10", "dBm", "INS-03"),
            ("交接箱照片", P, True, None, None, "", "INS-03"),
        ],
    ),
    "epon_line": (
        "EPON 月度检查",
        "INS-04",
        [
            ("防雷接地及防水措施完好", Y, True, None, None, "", "INS-04"),
            ("光缆无破损、无老化、无进水", Y, True, None, None, "", "INS-04"),
            ("钢绞线无断股", Y, True, None, None, "", "INS-04"),
            ("挂钩无脱落", Y, True, None, None, "", "INS-04"),
            ("干线线路标签齐全清晰", Y, True, None, None, "", "INS-08"),
            ("现场照片", P, True, None, None, "", "INS-04"),
        ],
    ),
    "epon_power": (
        "EPON 电源检查",
        "INS-05",
        [
            ("供电正常，无告警", Y, True, None, None, "", "INS-05"),
            ("蓄电池 / UPS 状态正常", Y, True, None, None, "", "INS-05"),
            ("输出电压", N, True, "0", "400", "V", "INS-05"),
        ],
    ),
    "building": (
        "楼栋单元至分线箱季度维护",
        "INS-05",
        [
            ("各楼栋、单元至分线箱线路完好", Y, True, None, None, "", "INS-05"),
            ("分线箱完好，标签清晰", Y, True, None, None, "", "INS-05"),
            ("维护照片", P, False, None, None, "", "INS-05"),
        ],
    ),
    "monitoring_point": (
        "监测点例行巡检记录表",
        "INS-06",
        [
            ("试剂已按期更换", Y, True, None, None, "", "INS-06"),
            ("耗材已按期更换", Y, True, None, None, "", "INS-06"),
            ("已按期校准", Y, True, None, None, "", "INS-06"),
            ("校准偏差", N, True, "-100", "100", "%", "INS-06"),
            ("试剂余量", N, True, "0", "100", "%", "INS-06"),
            ("巡检记录表照片", P, True, None, None, "", "INS-06"),
        ],
    ),
    "machine_room": (
        "机房巡检",
        "INS-08",
        [
            ("机房温度", N, True, "-10", "60", "℃", ""),
            ("机房湿度", N, True, "0", "100", "%", ""),
            ("设备及线路标签齐全清晰", Y, True, None, None, "", "INS-08"),
            ("门禁、消防、清洁正常", Y, True, None, None, "", ""),
        ],
    ),
    "switch": (
        "交换机检查",
        "INS-08",
        [
            ("运行指示灯正常", Y, True, None, None, "", ""),
            ("线路标签齐全清晰", Y, True, None, None, "", "INS-08"),
        ],
    ),
    "chassis": (
        "机箱检查",
        "INS-08",
        [
            ("机箱完好、接地良好", Y, True, None, None, "", ""),
            ("线路标签齐全清晰", Y, True, None, None, "", "INS-08"),
        ],
    ),
}

PLANS = [
    ("网吧例行巡检（每月两次）", "INS-01", "cafe", "monthly", False),
    ("交接箱抽检及用户线路质量（每周）", "INS-03", "junction_box", "weekly", True),
    ("EPON 月度检查", "INS-04", "epon_line", "monthly", False),
    ("楼栋单元季度维护", "INS-05", "building", "quarterly", False),
    ("EPON 电源季度检查", "INS-05", "epon_power", "quarterly", False),
    ("监测点周巡检", "INS-06", "monitoring_point", "weekly", False),
]


def load(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    Plan = apps.get_model("inspections", "Plan")
    for kind, (name, rule, items) in CHECKLISTS.items():
        if Template.objects.filter(asset_kind=kind, client__isnull=True).exists():
            continue
        template = Template.objects.create(
            name=name, asset_kind=kind, rule_id=rule, version=1, status="published"
        )
        for position, (label, item_kind, required, low, high, unit, item_rule) in enumerate(
            items, start=1
        ):
            Item.objects.create(
                template=template,
                position=position,
                label=label,
                kind=item_kind,
                required=required,
                min_value=Decimal(low) if low is not None else None,
                max_value=Decimal(high) if high is not None else None,
                unit_label=unit,
                rule_id=item_rule,
            )
    for name, rule, kind, frequency, sampled in PLANS:
        Plan.objects.get_or_create(
            name=name,
            defaults={
                "rule_id": rule,
                "asset_kind": kind,
                "frequency": frequency,
                "sampled": sampled,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("inspections", "Plan").objects.filter(name__in=[p[0] for p in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
