from workorders import services


def repair_order(org, *, by=None, fault_class="general", critical=False):
    return services.create_order(
        by=by or org.cs,
        kind="repair",
        unit=org.community_a,
        customer=org.customer_a,
        description="宽带无法上网",
        fault_class=fault_class,
        critical=critical,
    )
