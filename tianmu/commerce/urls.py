"""URLs of the commerce pages."""

from django.urls import path

from tianmu.commerce import views

app_name = "commerce"
urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product_list"),
    path("products/add/", views.ProductEditView.as_view(), name="product_add"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("products/<int:pk>/edit/", views.ProductEditView.as_view(), name="product_edit"),
    path("products/<int:pk>/history/", views.ProductHistoryView.as_view(), name="product_history"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/add/", views.AgreementEditView.as_view(), name="agreement_add"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.AgreementEditView.as_view(), name="agreement_edit"),
    path(
        "agreements/<int:pk>/history/",
        views.AgreementHistoryView.as_view(),
        name="agreement_history",
    ),
    path(
        "agreements/<int:pk>/<str:action>/",
        views.AgreementActionView.as_view(),
        name="agreement_action",
    ),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery_list"),
    path("orders/", views.OrderListView.as_view(), name="purchaseorder_list"),
    path("orders/add/", views.OrderPlaceView.as_view(), name="purchaseorder_add"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="purchaseorder_detail"),
    path(
        "orders/<int:pk>/history/", views.OrderHistoryView.as_view(), name="purchaseorder_history"
    ),
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
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("payments/income/", views.PaymentListView.as_view(only="income"), name="payment_income"),
    path(
        "payments/awaiting/",
        views.PaymentListView.as_view(only="awaiting"),
        name="payment_awaiting",
    ),
]
