"""Temporary pages so that the navigation resolves while the real views are being written."""

from django.shortcuts import render


def placeholder(request, *args, **kwargs):
    return render(request, "home.html")
