"""What API input fields share."""

from datetime import datetime, timedelta

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

# Ids in API input are PostgreSQL integers: anything larger cannot name a row.
MAX_ID = 2**31 - 1


class StorableIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time whose UTC offset PostgreSQL accepts (within ±15:59), else a field error."""

    def to_python(self, value: str | None) -> datetime | None:
        parsed = super().to_python(value)
        offset = parsed.utcoffset() if parsed else None
        if offset is not None and abs(offset) >= timedelta(hours=16):
            raise ValidationError("The UTC offset must be between -15:59 and +15:59.", code="invalid")
        return parsed


class StorableIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StorableIsoDateTimeField
