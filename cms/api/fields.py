"""Serializer fields every API uses for related objects chosen by id."""

from rest_framework import exceptions, serializers


class IdField(serializers.PrimaryKeyRelatedField):
    """A related object by id. An id too large for the database is "does not exist", not a server error."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


class VisibleIdField(IdField):
    """A related object by id, among those the requester may use (``scope(user)``); any other id is a 404.

    An id that does not exist and one the requester may not see get the same answer, so nobody
    learns who or what exists by trying ids.
    """

    not_found = "Not found, or not one you can choose."

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user).filter(pk__in=super().get_queryset().values("pk"))

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if error.get_codes() == ["does_not_exist"]:
                raise exceptions.NotFound(self.not_found) from error
            raise
