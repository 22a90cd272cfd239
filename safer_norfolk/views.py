from django.shortcuts import render


def home(request):
    return render(request, "safer_norfolk/home.html")


def accessibility(request):
    return render(request, "safer_norfolk/accessibility.html")
