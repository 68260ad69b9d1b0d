"""The create calls of the deliverability resources for the moto replay (:mod:`.moto_replay`):
contact lists, dedicated IP pools, tenants and their resource associations, account VDM.

moto 5.2.5 routes CreateContactList and CreateDedicatedIpPool; the tenant calls and
PutAccountVdmAttributes get its 404 (no route) and are reported as not replayed. Their
handlers still make the provider's call, so a moto that adds the route replays them.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.support.moto_calls import Call, Created, pascal, ses_resource, tag_list


def _contact_list(call: Call) -> Created:
    name = call.need("contactListName")
    call.api(
        "sesv2",
        "create_contact_list",
        ContactListName=name,
        Description=call.get("description"),
        Topics=pascal(call.get("topics")),
        Tags=tag_list(call.get("tags")),
    )
    return ses_resource(call, "contact-list", name)


def _dedicated_ip_pool(call: Call) -> Created:
    name = call.need("poolName")
    call.api(
        "sesv2",
        "create_dedicated_ip_pool",
        PoolName=name,
        ScalingMode=call.get("scalingMode"),
        Tags=tag_list(call.get("tags")),
    )
    return ses_resource(call, "dedicated-ip-pool", name)


def _tenant(call: Call) -> Created:
    name = call.need("tenantName")
    tenant = call.api("sesv2", "create_tenant", TenantName=name, Tags=tag_list(call.get("tags")))
    return Created(
        physical=tenant["TenantArn"],
        outputs={"id": name, "tenantId": tenant["TenantId"], "tenantArn": tenant["TenantArn"]},
    )


def _tenant_association(call: Call) -> Created:
    name, resource = call.need("tenantName"), call.need("resourceArn")
    call.api("sesv2", "create_tenant_resource_association", TenantName=name, ResourceArn=resource)
    return Created(physical=f"tenant-association:{name}:{resource}")


def _account_vdm(call: Call) -> Created:
    attributes = {
        "VdmEnabled": call.need("vdmEnabled"),
        "DashboardAttributes": pascal(call.get("dashboardAttributes")),
        "GuardianAttributes": pascal(call.get("guardianAttributes")),
    }
    call.api(
        "sesv2",
        "put_account_vdm_attributes",
        VdmAttributes={key: value for key, value in attributes.items() if value is not None},
    )
    return Created(physical=f"account-vdm:{call.region}")


DELIVERABILITY_HANDLERS: dict[str, Callable[[Call], Created]] = {
    "aws:sesv2/contactList:ContactList": _contact_list,
    "aws:sesv2/dedicatedIpPool:DedicatedIpPool": _dedicated_ip_pool,
    "aws:sesv2/tenant:Tenant": _tenant,
    "aws:sesv2/tenantResourceAssociation:TenantResourceAssociation": _tenant_association,
    "aws:sesv2/accountVdmAttributes:AccountVdmAttributes": _account_vdm,
}
"""Type token -> the create call the provider makes for it."""
