from django.shortcuts import render


def accessibility(request):
    return render(request, "safer_norfolk/accessibility.html")
