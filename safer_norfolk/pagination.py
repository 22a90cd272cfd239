"""The API's pages of results. A module of its own: REST framework imports the default
pagination class while its own modules load, so it cannot live beside the viewsets."""

from rest_framework.pagination import PageNumberPagination


class PublicPagination(PageNumberPagination):
    """50 records to a page; `page_size` asks for another number, up to 200 (a larger number
    gives 200, a number below 1 or not a number the default)."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Records to a page: {self.page_size} unless given, at most "
                    f"{self.max_page_size} (a larger number gives {self.max_page_size})."
                )
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class NestedListPagination(PublicPagination):
    """For lists whose records carry their children (a meeting and its agenda items): fewer
    to a page, so that a page costs about what a page of flat records does."""

    page_size = 20
    max_page_size = 100
