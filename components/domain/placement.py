"""Where a domain lives: its regions (``region`` or ``regions``) and its global endpoint
(``globalEndpoint``), parsed from one ``domains[i]`` object. Pure: no Pulumi.
"""

from __future__ import annotations

from ..physical_names import ENDPOINT_NAME, global_endpoint_name
from ..regions import partition_of, region_problem
from ..validation import Fields, Problems, as_mapping
from .model import GlobalEndpointConfig


def parse_regions(
    fields: Fields, default_region: str | None, problems: Problems
) -> tuple[str | None, tuple[str, ...]]:
    """``region`` or ``regions``: the primary region and the secondary ones, each a region
    where SES runs, listed once, all in one partition (one account cannot span partitions)."""
    if fields.has("regions"):
        if fields.has("region"):
            problems.add(
                fields.key_path("region"),
                fields.raw("region"),
                "cannot be given with regions; list every region under regions (the first is "
                "the primary region)",
            )
            fields.raw("region")
        items = fields.string_list("regions")
        if not items and isinstance(fields.raw("regions"), list):
            problems.add(
                fields.key_path("regions"), [], "must list at least one region (e.g. eu-west-1)"
            )
        regions: list[str] = []
        usable = True
        for path, text in items:
            if (problem := region_problem(text)) is not None:
                problems.add(path, text, problem)
                usable = False
            elif text in regions:
                problems.add(path, text, "is listed twice; each region once")
            else:
                regions.append(text)
        partitions = sorted({partition_of(region) for region in regions})
        if len(partitions) > 1:
            problems.add(
                fields.key_path("regions"),
                regions,
                f"mixes AWS partitions ({', '.join(partitions)}); one account cannot span them",
            )
            usable = False
        if not regions or not usable:
            return None, ()
        return regions[0], tuple(regions[1:])
    region = fields.string("region", default_region)
    if region is None:
        problems.add(
            fields.key_path("region"),
            None,
            "is required when aws:region is not set (e.g. us-east-1)",
        )
    elif fields.has("region") and (problem := region_problem(region)) is not None:
        problems.add(fields.key_path("region"), region, problem)
    return region, ()


def parse_global_endpoint(
    fields: Fields, name: str | None, regions: tuple[str, ...], problems: Problems
) -> GlobalEndpointConfig | None:
    """``globalEndpoint``: ``true`` (over the domain's two regions, named after the domain) or
    an object with ``name`` and ``regions`` (two of the domain's regions, the primary first)."""
    value = fields.raw("globalEndpoint")
    if value is None or value is False or value == "false":
        return None
    key = fields.key_path("globalEndpoint")
    if value is True or value == "true":
        endpoint = Fields({}, key, problems)
    elif as_mapping(value) is not None:
        endpoint = Fields(as_mapping(value), key, problems)
    else:
        problems.add(key, value, "must be true, false or an object with name and regions")
        return None
    endpoint_name = endpoint.string("name")
    chosen_items = endpoint.string_list("regions")
    endpoint.finish()
    if endpoint_name is not None and (problem := ENDPOINT_NAME.problem(endpoint_name)):
        problems.add(
            endpoint.key_path("name"),
            endpoint_name,
            f"must be 1-64 letters, digits, '_' and '-' (SES's EndpointName); it {problem}",
        )
        return None
    if not name or not regions:
        return None
    if not endpoint.has("regions"):
        if len(regions) != 2:
            problems.add(
                endpoint.key_path("regions"),
                None,
                f"is required: a global endpoint spans exactly two regions and the domain has "
                f"{len(regions)} ({', '.join(regions)}); give the domain regions: [primary, "
                "secondary] or list two of them here",
            )
            return None
        chosen = list(regions)
    else:
        chosen = [text for _, text in chosen_items]
        wrong = [text for text in chosen if text not in regions]
        if wrong:
            problems.add(
                endpoint.key_path("regions"),
                chosen,
                f"names {', '.join(wrong)}, where the domain has no identity; a global endpoint "
                f"routes to regions the domain is set up in ({', '.join(regions)}): add them to "
                "the domain's regions",
            )
            return None
        if len(chosen) != 2 or chosen[0] == chosen[1]:
            problems.add(
                endpoint.key_path("regions"),
                chosen,
                "must list exactly two different regions (the endpoint's primary region, then "
                "its one secondary region: SES's RoutesDetails takes exactly one route)",
            )
            return None
    return GlobalEndpointConfig(endpoint_name or global_endpoint_name(name), chosen[0], chosen[1])
