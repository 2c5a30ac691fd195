"""Access to botocore's service models (the source of truth for members, types and errors)."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.loaders
import botocore.model

ServiceModel = botocore.model.ServiceModel
Shape = botocore.model.Shape


@cache
def service_model(name: str) -> Any:
    """The botocore ``ServiceModel`` of ``name`` (``sqs``, ``events``); loaded once per process."""
    loader = botocore.loaders.create_loader()
    data = loader.load_service_model(name, "service-2")
    return botocore.model.ServiceModel(data, service_name=name)


def operation_names(name: str) -> list[str]:
    """Every operation of a service, sorted as botocore lists them."""
    return list(service_model(name).operation_names)
