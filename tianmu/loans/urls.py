"""URLs of the loan pages (from the resources in `resources.py`)."""

from django.urls import path

from tianmu.loans import views
from tianmu.loans.resources import CREDIT_LINES, LOAN_PRODUCTS, LOANS

app_name = "loans"

# Loans, products and credit lines stay as history: none of them has a delete page.
urlpatterns = [
    *LOANS.urls(detail=views.LoanDetailView, history=views.LoanHistoryView, without=("delete",)),
    path("<int:pk>/<str:action>/", views.LoanActionView.as_view(), name="loan_action"),
    *LOAN_PRODUCTS.urls(detail=views.LoanProductDetailView, without=("delete",)),
    *CREDIT_LINES.urls(detail=views.CreditLineDetailView, without=("delete",)),
]
