"""MetaStudio constants the client and the command line share: regions, timeouts and retry
defaults, and the environment variables credentials come from. No imports: the CLI reads
these for its option defaults without loading the HTTP client.
"""

from __future__ import annotations

from typing import Final

#: Regions with a MetaStudio endpoint (docs/metastudio-api.md §7).
REGIONS: Final = ("cn-north-4", "cn-east-3", "ap-southeast-3")
DEFAULT_REGION: Final = "cn-north-4"

DEFAULT_CONNECT_TIMEOUT_S: Final = 10.0
DEFAULT_READ_TIMEOUT_S: Final = 60.0
DEFAULT_MAX_ATTEMPTS: Final = 5
DEFAULT_MAX_RETRY_TIME_S: Final = 120.0

# Credentials and the project come from the environment only (never option values); the
# names are the official Huawei Cloud SDK's.
ENV_AK: Final = "HUAWEICLOUD_SDK_AK"
ENV_SK: Final = "HUAWEICLOUD_SDK_SK"
ENV_SECURITY_TOKEN: Final = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
ENV_PROJECT_ID: Final = "HUAWEICLOUD_SDK_PROJECT_ID"
ENV_AUTH_TOKEN: Final = "HUAWEICLOUD_AUTH_TOKEN"
ENV_ENDPOINT: Final = "METASTUDIO_ENDPOINT"
#: Every variable that holds a secret (scrubbed from anything shown or stored).
SECRET_ENV_VARS: Final = (ENV_AK, ENV_SK, ENV_SECURITY_TOKEN, ENV_AUTH_TOKEN)
