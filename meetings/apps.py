from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from django.db.models.signals import pre_save

        from meetings import attendance_record, publication
        from meetings.models import Report

        publication.connect()
        attendance_record.connect()
        pre_save.connect(Report.text_of_loaded, sender=Report, dispatch_uid="report-text-loaded")
