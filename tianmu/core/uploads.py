"""Checks for uploaded files, shared by every model that takes one (one rule, not one per app)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
PHOTO_MAX_BYTES = 8 * 1024 * 1024


def validate_photo(file) -> None:
    """A photo is a JPEG, PNG or WebP file of at most 8 MB (a model field validator, so the
    pages, the API and the services all apply it). It checks the name and size, not the bytes.
    """
    FileExtensionValidator(PHOTO_EXTENSIONS)(file)
    if file and getattr(file, "size", 0) > PHOTO_MAX_BYTES:
        raise ValidationError(_("A photo can be at most 8 MB."), code="photo_size")
