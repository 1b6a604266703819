from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductCategory(models.TextChoices):
    BAYBERRY = "bayberry", _("Bayberry (杨梅)")
    MOONCAKE = "mooncake", _("Mooncakes (月饼)")
    HICKORY = "hickory", _("Hickory nuts (山核桃)")
    RICE = "rice", _("Rice (大米)")
    HERBS = "herbs", _("Medicinal herbs (药材)")
    TEA = "tea", _("Tea (茶叶)")
    VEGETABLES = "vegetables", _("Vegetables (蔬菜)")
    BAMBOO = "bamboo", _("Bamboo shoots (竹笋)")
    OTHER = "other", _("Other")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    EXPIRED = "expired", _("Expired")
    CLOSED = "closed", _("Closed")


class OrderPurpose(models.TextChoices):
    CANTEEN = "canteen", _("Canteen")
    FESTIVAL_GIFT = "festival_gift", _("Festival gifts")
    STAFF_WELFARE = "welfare", _("Staff welfare")
    RESALE = "resale", _("Resale")
    OTHER = "other", _("Other")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    DELIVERED = "delivered", _("Delivered")
    PAID = "paid", _("Paid")
