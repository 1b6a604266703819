"""URLs of the loan pages."""

from django.urls import path

from tianmu.loans import views

app_name = "loans"
urlpatterns = [
    path("", views.LoanListView.as_view(), name="loan_list"),
    path("add/", views.LoanEditView.as_view(), name="loan_add"),
    path("<int:pk>/", views.LoanDetailView.as_view(), name="loan_detail"),
    path("<int:pk>/edit/", views.LoanEditView.as_view(), name="loan_edit"),
    path("<int:pk>/history/", views.LoanHistoryView.as_view(), name="loan_history"),
    path("<int:pk>/<str:action>/", views.LoanActionView.as_view(), name="loan_action"),
    path("products/", views.LoanProductListView.as_view(), name="loanproduct_list"),
    path("products/add/", views.LoanProductEditView.as_view(), name="loanproduct_add"),
    path("products/<int:pk>/", views.LoanProductDetailView.as_view(), name="loanproduct_detail"),
    path("products/<int:pk>/edit/", views.LoanProductEditView.as_view(), name="loanproduct_edit"),
    path(
        "products/<int:pk>/history/",
        views.LoanProductHistoryView.as_view(),
        name="loanproduct_history",
    ),
    path("credit-lines/", views.CreditLineListView.as_view(), name="creditline_list"),
    path("credit-lines/add/", views.CreditLineEditView.as_view(), name="creditline_add"),
    path("credit-lines/<int:pk>/", views.CreditLineDetailView.as_view(), name="creditline_detail"),
    path("credit-lines/<int:pk>/edit/", views.CreditLineEditView.as_view(), name="creditline_edit"),
    path(
        "credit-lines/<int:pk>/history/",
        views.CreditLineHistoryView.as_view(),
        name="creditline_history",
    ),
]
