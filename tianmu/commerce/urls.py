"""URLs of the commerce pages (from the resources in `resources.py`)."""

from django.urls import path

from tianmu.commerce import views
from tianmu.commerce.resources import AGREEMENTS, DELIVERIES, ORDERS, PAYMENTS, PRODUCTS

app_name = "commerce"

#: Lists without pages of their own per record.
ONLY_LIST = ("add", "detail", "edit", "delete", "history")

urlpatterns = [
    *PRODUCTS.urls(detail=views.ProductDetailView, edit=views.ProductEditView, without=("delete",)),
    *AGREEMENTS.urls(
        detail=views.AgreementDetailView,
        history=views.AgreementHistoryView,
        without=("delete",),
    ),
    path(
        "agreements/<int:pk>/<str:action>/",
        views.AgreementActionView.as_view(),
        name="agreement_action",
    ),
    *DELIVERIES.urls(without=ONLY_LIST),
    # An order is placed with its lines and changes through its workflow, not an edit form.
    *ORDERS.urls(
        detail=views.OrderDetailView,
        history=views.OrderHistoryView,
        without=("add", "edit", "delete"),
    ),
    path("orders/add/", views.OrderPlaceView.as_view(), name="purchaseorder_add"),
    path(
        "orders/<int:pk>/<str:action>/",
        views.OrderActionView.as_view(),
        name="purchaseorder_action",
    ),
    path(
        "records/<str:kind>/<int:pk>/<str:decision>/",
        views.RecordDecisionView.as_view(),
        name="record_decision",
    ),
    *PAYMENTS.urls(list=views.PaymentListView, without=ONLY_LIST),
    path("payments/income/", views.PaymentListView.as_view(only="income"), name="payment_income"),
    path(
        "payments/awaiting/",
        views.PaymentListView.as_view(only="awaiting"),
        name="payment_awaiting",
    ),
]
