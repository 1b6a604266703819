import factory

from tianmu.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the password `pw-for-tests-1`.

    Superusers and programme admins must sign in with a second factor, so by default they get
    a confirmed TOTP device, and the test client's `force_login` (patched in conftest.py)
    signs them in as if they had entered its code. `UserFactory(..., otp_device=False)` makes
    one without, to test the set-up rule.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "leader"
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def otp_device(obj, create, extracted, **kwargs):
        wanted = obj.needs_second_factor if extracted is None else extracted
        if create and wanted:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.create(user=obj, name="tests", confirmed=True)
