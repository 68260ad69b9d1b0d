"""The create calls of the senders' resources for the moto replay (:mod:`.moto_replay`): API
sender roles and their policies, sending authorization policies on identities, and the global
endpoint API senders send through (moto 5.2.5 has no route for CreateMultiRegionEndpoint)."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.moto_calls import Call, Created, pascal, tag_list


def _role(call: Call) -> Created:
    role = call.api(
        "iam",
        "create_role",
        RoleName=call.need("name"),
        Path=call.get("path"),
        AssumeRolePolicyDocument=call.need("assumeRolePolicy"),
        Description=call.get("description"),
        MaxSessionDuration=call.get("maxSessionDuration") and int(call.get("maxSessionDuration")),
        Tags=tag_list(call.get("tags")),
    )["Role"]
    return Created(physical=role["Arn"], outputs={"id": role["RoleName"], "arn": role["Arn"]})


def _role_policy(call: Call) -> Created:
    role, name = call.need("role"), call.need("name")
    call.api(
        "iam", "put_role_policy", RoleName=role, PolicyName=name, PolicyDocument=call.need("policy")
    )
    return Created(physical=f"role-policy:{role}:{name}", outputs={"id": f"{role}:{name}"})


def _identity_policy(call: Call) -> Created:
    identity, name = call.need("emailIdentity"), call.need("policyName")
    call.api(
        "sesv2",
        "create_email_identity_policy",
        EmailIdentity=identity,
        PolicyName=name,
        Policy=call.need("policy"),
    )
    physical = f"identity-policy:{call.region}:{identity}:{name}"
    return Created(physical=physical, outputs={"id": f"{identity}|{name}"})


def _global_endpoint(call: Call) -> Created:
    name = call.need("endpointName")
    # the provider's routesDetails is one block (the secondary region); the API takes a list
    route = call.need("details")["routesDetails"]
    endpoint = call.api(
        "sesv2",
        "create_multi_region_endpoint",
        EndpointName=name,
        Details={"RoutesDetails": [pascal(route)]},
        Tags=tag_list(call.get("tags")),
    )
    return Created(
        physical=f"global-endpoint:{name}",
        outputs={"id": name, "endpointId": endpoint["EndpointId"]},
    )


SENDER_HANDLERS: dict[str, Callable[[Call], Created]] = {
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": _identity_policy,
    "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint": _global_endpoint,
}
"""Type token -> the create call the provider makes for it."""
