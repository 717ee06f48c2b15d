"""A realistic demo organisation: one client, one vendor, our company, three stations, ~40 staff
in every role, customers, and one login per role (see README)."""

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from core import audit, clock
from core.models import PolicyVersion
from people.models import Company, Customer, OrgUnit, Person, Skill, Team
from people.roles import EmploymentType, Role

DEMO_PASSWORD = "crewdesk-demo"  # noqa: S105 - documented demo logins, embedded run only

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "强",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "志强",
    "建华",
    "海燕",
    "晓东",
    "文博",
    "子涵",
    "浩然",
    "雨桐",
    "国庆",
    "丽娟",
]
STREETS = [
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "和平街",
    "新华路",
    "文化路",
    "青年路",
    "胜利路",
    "光明街",
]

# One login per role (README lists them): username -> role.
ROLE_LOGINS = {
    "ops": Role.OPS_MANAGER,
    "hr": Role.HR_ADMIN,
    "dispatch": Role.DISPATCH_CENTRE,
    "cs": Role.CUSTOMER_SERVICE,
    "tech": Role.TECH_SUPPORT,
    "supervisor": Role.AREA_SUPERVISOR,
    "head1": Role.STATION_HEAD,
    "manager1": Role.STATION_MANAGER,
    "leader1": Role.GROUP_LEADER,
    "engineer1": Role.ENGINEER,
    "engineer2": Role.ENGINEER,
    "eng14": Role.ENGINEER,
    "client": Role.CLIENT_PIC,
    "specialist": Role.CLIENT_SPECIALIST,
    "vendor": Role.VENDOR_CONTACT,
}


def demo_needed() -> bool:
    return not Person.objects.exists()


@transaction.atomic
def load_demo(seed: int = 7) -> dict[str, str]:
    """Create the demo organisation. Returns username -> role label of the demo logins."""
    rng = random.Random(seed)
    User = get_user_model()
    password_hash = make_password(DEMO_PASSWORD)  # one Argon2 hash shared by the demo logins

    own = Company.objects.create(
        name="城网通运维服务有限公司",
        short_name="城网通运维",
        kind=Company.Kind.OWN,
        contact_phone="0755-83001234",
    )
    client = Company.objects.create(
        name="华南广电网络股份有限公司",
        short_name="华南广电",
        kind=Company.Kind.CLIENT,
        contact_phone="0755-96000000",
    )
    vendor = Company.objects.create(
        name="信达技术外包有限公司",
        short_name="信达外包",
        kind=Company.Kind.VENDOR,
        contact_phone="0755-26001188",
    )

    region = OrgUnit.objects.create(
        name="运营部", code="OPS", kind=OrgUnit.Kind.REGION, client=client
    )
    stations, towns, communities = [], [], []
    for i, name in enumerate(["东城区站", "西城区站", "南湖区站"], start=1):
        station = OrgUnit.objects.create(
            name=name, code=f"ST{i}", kind=OrgUnit.Kind.STATION, parent=region, client=client
        )
        stations.append(station)
        for j, town_name in enumerate(["镇区一", "镇区二"], start=1):
            town = OrgUnit.objects.create(
                name=f"{name[:2]}{town_name}",
                code=f"ST{i}-T{j}",
                kind=OrgUnit.Kind.TOWN,
                parent=station,
                client=client,
            )
            towns.append(town)
            for k in range(1, 3):
                communities.append(
                    OrgUnit.objects.create(
                        name=f"{name[:2]}{'东西南北'[k + j - 2]}苑社区",
                        code=f"ST{i}-T{j}-C{k}",
                        kind=OrgUnit.Kind.COMMUNITY,
                        parent=town,
                        client=client,
                    )
                )
    skills = [
        Skill.objects.create(name=n)
        for n in ["宽带报装", "有线电视", "光纤熔接", "EPON", "网吧维护", "机房值守", "监测站运维"]
    ]

    used_names: set[str] = set()
    counter = iter(range(1, 1000))

    def new_name() -> str:
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in used_names:
                used_names.add(name)
                return name

    def make(
        username: str,
        role: str,
        *,
        unit=None,
        team=None,
        employer=own,
        client_served=None,
        employment=EmploymentType.OWN,
        manager=None,
        staff=True,
    ) -> Person:
        n = next(counter)
        user = User.objects.create(
            username=username,
            password=password_hash,
            is_staff=role in {Role.OPS_MANAGER, Role.HR_ADMIN},
        )
        return Person.objects.create(
            user=user,
            name=new_name(),
            staff_no=f"{'CW' if staff else 'EXT'}{n:04d}",
            phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            role=role,
            employment_type=employment,
            employer=employer,
            client=client_served,
            unit=unit,
            team=team,
            manager=manager,
            hired_on=date(2020 + n % 6, 1 + n % 12, 1 + n % 27),
        )

    ops = make("ops", Role.OPS_MANAGER, unit=region, client_served=client)
    make("hr", Role.HR_ADMIN, unit=region)
    make("dispatch", Role.DISPATCH_CENTRE, unit=region, manager=ops)
    cs = make("cs", Role.CUSTOMER_SERVICE, unit=region, manager=ops)
    make("cs2", Role.CUSTOMER_SERVICE, unit=region, manager=ops)
    make("tech", Role.TECH_SUPPORT, unit=region, manager=ops)
    make("client", Role.CLIENT_PIC, employer=client, client_served=client, staff=False)
    make("specialist", Role.CLIENT_SPECIALIST, employer=client, client_served=client, staff=False)
    make("vendor", Role.VENDOR_CONTACT, employer=vendor, staff=False)
    supervisor = make(
        "supervisor", Role.AREA_SUPERVISOR, unit=towns[0], manager=ops, client_served=client
    )
    del supervisor, cs

    for s, station in enumerate(stations, start=1):
        head = make(f"head{s}", Role.STATION_HEAD, unit=station, manager=ops, client_served=client)
        manager = make(
            f"manager{s}", Role.STATION_MANAGER, unit=station, manager=head, client_served=client
        )
        for t in (1, 2):
            team = Team.objects.create(name=f"{station.name[:2]}{'一二'[t - 1]}组", unit=station)
            leader = make(
                f"leader{s}" if t == 1 else f"leader{s}b",
                Role.GROUP_LEADER,
                unit=station,
                team=team,
                manager=manager,
                client_served=client,
            )
            team.leader = leader
            team.save()
            for e in range(1, 4):
                index = (t - 1) * 3 + e
                outsourced = index in (4, 5)
                username = f"engineer{s}" if index == 1 else f"eng{s}{index}"
                employment = (
                    EmploymentType.OUTSOURCED
                    if outsourced
                    else EmploymentType.RESIDENT
                    if index == 6
                    else EmploymentType.OWN
                )
                engineer = make(
                    username,
                    Role.ENGINEER,
                    unit=station,
                    team=team,
                    manager=leader,
                    employer=vendor if outsourced else own,
                    client_served=client,
                    employment=employment,
                )
                engineer.skills.set(rng.sample(skills, 2))
                engineer.zones.set(
                    [c for c in communities if c.code.startswith(f"{station.code}-")][
                        index % 4 : index % 4 + 1
                    ]
                )
        make(
            f"reserve{s}",
            Role.ENGINEER,
            unit=station,
            manager=manager,
            employer=vendor,
            client_served=client,
            employment=EmploymentType.RESERVE,
        )

    for n in range(1, 121):
        community = communities[n % len(communities)]
        Customer.objects.create(
            name=new_name(),
            account_no=f"KD{202400000 + n}",
            phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            address=f"{community.name}{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋{rng.randint(101, 1806)}",
            unit=community,
            client=client,
        )

    # The client's site works 09:00 instead of 08:30 (ATT-01 variant), from the start of this month.
    first = clock.today().replace(day=1)
    variant = PolicyVersion.objects.create(
        company=client,
        effective_from=first,
        values={"att.work_start": "09:00"},
        comment="甲方驻场作息 09:00 上班",
        created_at=clock.now(),
    )
    audit.record(
        variant,
        "policy.version.created",
        by=None,
        changes={"att.work_start": ["08:30", "09:00"]},
        data={"effective_from": first, "company": str(client), "comment": variant.comment},
    )
    User.objects.create_superuser("admin", password=DEMO_PASSWORD)
    return {username: str(role.label) for username, role in ROLE_LOGINS.items()}
