"""Give an officer an authenticator-app device for two-factor sign-in (docs/security.md)."""

import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Create a TOTP device for a user and print the otpauth:// address and a QR code to scan "
        "into an authenticator app. The device is confirmed at once: give the code to the "
        "officer in person."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Authenticator app", help="The device's name.")
        parser.add_argument(
            "--replace", action="store_true", help="Remove the user's existing TOTP devices first."
        )

    def handle(self, username, name, replace, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called “{username}”.") from None
        existing = TOTPDevice.objects.devices_for_user(user)
        if existing.exists() and not replace:
            raise CommandError(
                f"“{username}” already has an authenticator device; use --replace to issue a new one."
            )
        for device in existing:
            device.delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        code = qrcode.QRCode(border=1)
        code.add_data(device.config_url)
        text = io.StringIO()
        code.print_ascii(out=text, invert=True)
        self.stdout.write(text.getvalue())
        self.stdout.write(device.config_url)
        self.stdout.write(self.style.SUCCESS(f"Authenticator device created for “{username}”."))
